package store

import (
	"context"
	"slices"
	"testing"
	"time"
)

func TestRecentIndexBandsSurviveRemovalInAnyOrder(t *testing.T) {
	r := recentIndex{stories: map[int64]recentStory{}, first: map[uint64]int64{}, more: map[uint64][]int64{}}
	add := func(id int64, bands ...uint64) {
		r.stories[id] = recentStory{bands: bands, firstSeen: t0}
		for _, b := range bands {
			if _, taken := r.first[b]; taken {
				r.more[b] = append(r.more[b], id)
			} else {
				r.first[b] = id
			}
		}
	}
	add(1, 10, 20)
	add(2, 10)
	add(3, 10, 30)
	if got := r.band(10); !slices.Equal(got, []int64{1, 2, 3}) {
		t.Fatalf("band 10 = %v", got)
	}
	r.remove(2, r.stories[2])
	if got := r.band(10); !slices.Equal(got, []int64{1, 3}) {
		t.Fatalf("after removing 2: %v", got)
	}
	r.remove(1, r.stories[1])
	if got := r.band(10); !slices.Equal(got, []int64{3}) || r.band(20) != nil {
		t.Fatalf("after removing 1: band 10 %v, band 20 %v", got, r.band(20))
	}
	r.remove(3, r.stories[3])
	if len(r.first) != 0 || len(r.more) != 0 || len(r.stories) != 0 {
		t.Fatalf("index not empty: %v %v %v", r.first, r.more, r.stories)
	}
}

func TestRecentIndexEvictsStoriesLeavingTheWindow(t *testing.T) {
	r := recentIndex{stories: map[int64]recentStory{}, first: map[uint64]int64{}, more: map[uint64][]int64{}}
	for id, seen := range map[int64]time.Time{1: t0, 2: t0.Add(time.Hour), 3: t0.Add(2 * time.Hour)} {
		r.stories[id] = recentStory{bands: []uint64{uint64(id)}, firstSeen: seen}
		r.first[uint64(id)] = id
	}
	r.order = []int64{1, 2, 3}
	r.evict(t0.Add(90 * time.Minute))
	if _, ok := r.stories[1]; ok {
		t.Error("story 1 outlived the window")
	}
	if _, ok := r.stories[2]; ok {
		t.Error("story 2 outlived the window")
	}
	if _, ok := r.stories[3]; !ok || !slices.Equal(r.order, []int64{3}) {
		t.Errorf("story 3 evicted or order wrong: %v", r.order)
	}
}

// The index holds at most its capacity, the newest stories, however many
// the window holds, and a new process starts from that many rows: a copy
// of a story among them is still found by its text.
func TestRecentIndexIsBoundedAndStartsFromTheNewest(t *testing.T) {
	s, where := openTemp(t)
	s.recent.capacity = 30
	ctx := context.Background()
	for n := range 3 {
		mustSave(t, s, "nation", deskStories(n), t0.Add(time.Duration(n)*time.Minute))
		if got := len(s.recent.stories); got > 30 {
			t.Fatalf("after fetch %d the index holds %d stories, capacity 30", n, got)
		}
	}
	var newest int64
	if err := s.db.Model(&storyRow{}).Select("MAX(id)").Scan(&newest).Error; err != nil {
		t.Fatal(err)
	}
	if err := s.recent.sync(s.db, t0.Add(time.Hour), s.duplicateWindow()); err != nil {
		t.Fatal(err)
	}
	for id := newest - 29; id <= newest; id++ {
		if _, ok := s.recent.stories[id]; !ok {
			t.Errorf("story %d, among the newest 30 of %d, is not held", id, newest)
		}
	}

	other := reopenTestDB(t, where)
	other.recent.capacity = 30
	copied := deskStories(2)[45] // among the newest 30
	copied.Key, copied.GUID, copied.Link = "g:copy", "copy", "https://other.example/copy"
	copied.PublicID = "tag:news.example.com,2026:jiji/copy"
	res, err := other.SaveStories(ctx, "jiji", []Story{copied}, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if res.Duplicates != 1 {
		t.Errorf("a copy of a story the index holds: %+v, want it found as a duplicate", res)
	}
	if got := len(other.recent.stories); got > 30 || got == 0 {
		t.Errorf("a new process's index holds %d stories, want 1 to 30", got)
	}
}
