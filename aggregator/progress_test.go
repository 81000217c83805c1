package aggregator

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"testing"
)

// TestFetchAllProgressReportsEachSourceAsItFinishes holds jiji's partner
// on a channel: nation's report arrives while jiji is still being pulled.
func TestFetchAllProgressReportsEachSourceAsItFinishes(t *testing.T) {
	h := newHarness(t)
	h.feeds.serve("/nation", "nation.rss")
	entered, release := make(chan struct{}), make(chan struct{})
	h.feeds.handle("/jiji", func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		http.ServeFile(w, r, "testdata/jiji.rss")
	})
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()

	var mu sync.Mutex
	var started []string
	finished := make(chan Report, 3)
	done := make(chan []Report)
	go func() {
		done <- h.agg.FetchAllProgress(context.Background(), Progress{
			Started: func(id string) {
				mu.Lock()
				defer mu.Unlock()
				started = append(started, id)
			},
			Finished: func(r Report) { finished <- r },
		}, "jiji", "nope", "nation")
	}()

	// The unknown source and nation finish, in some order, while jiji's
	// partner has not answered.
	got := map[string]Report{}
	for range 2 {
		r := <-finished
		got[r.Source] = r
	}
	if r := got["nation"]; r.Err != nil || r.New != 6 {
		t.Fatalf("nation's report before jiji's: %+v (got %v)", r, got)
	}
	if r := got["nope"]; !errors.Is(r.Err, ErrUnknownSource) {
		t.Errorf("unknown source: %+v", r)
	}
	<-entered
	mu.Lock()
	if slices.Sort(started); !slices.Equal(started, []string{"jiji", "nation"}) {
		t.Errorf("started %q, want jiji and nation (not the unknown source)", started)
	}
	mu.Unlock()
	select {
	case r := <-finished:
		t.Fatalf("%s finished while jiji's partner was held", r.Source)
	case reps := <-done:
		t.Fatalf("FetchAllProgress returned while jiji's partner was held: %+v", reps)
	default:
	}

	close(release)
	if r := <-finished; r.Source != "jiji" || r.Err != nil || r.New != 8 {
		t.Errorf("jiji's report: %+v", r)
	}
	reps := <-done
	if len(reps) != 3 || reps[0].Source != "jiji" || reps[1].Source != "nope" || reps[2].Source != "nation" {
		t.Errorf("reports not in the order asked: %+v", reps)
	}
}
