package console

import (
	"fmt"
	"net/http"
	"slices"
	"time"
)

// deskHours is how far back the desk's chart looks.
const deskHours = 24

// attention is a source the desk puts first: failing, gone, or silent
// longer than its usual rhythm.
type attention struct {
	sourceRow
	Why string
}

// chart is one partner's new stories per hour over the last day, drawn
// as server-rendered SVG bars (oldest hour on the left).
type chart struct {
	ID, Name string
	Total    int
	Bars     []bar
}

// bar is one hour of a chart.
type bar struct {
	X, Y, H int
	Count   int
	Hour    string
}

// deskView is the desk's data.
type deskView struct {
	Attention []attention
	Charts    []chart
}

// deskPage is the console's home: the sources that need an editor, then
// each partner's new stories per hour for the last day.
func (c *Console) deskPage(w http.ResponseWriter, r *http.Request, s *session) {
	rows, msg := c.sourceRows(r, s)
	if msg != "" {
		c.render(w, r, http.StatusBadGateway, "message", s, view{Title: "Desk", Message: msg})
		return
	}
	now := c.opts.Now().UTC()
	var dv deskView
	for _, row := range rows {
		why := ""
		switch row.State {
		case "failing":
			why = "failing: the last pull failed"
			if row.Failures > 1 {
				why = fmt.Sprintf("failing: the last %d pulls failed", row.Failures)
			}
		case "gone":
			why = "gone: the partner answered 410 Gone"
		}
		if why == "" && !row.Paused {
			last, err := c.opts.Store.LastArrivals(r.Context(), row.ID, rhythmStories)
			if err != nil {
				c.render(w, r, http.StatusInternalServerError, "message", s, view{Title: "Desk", Message: err.Error()})
				return
			}
			why = silence(last, now)
		}
		if why != "" {
			dv.Attention = append(dv.Attention, attention{sourceRow: row, Why: why})
		}
	}
	arrivals, err := c.opts.Store.Arrivals(r.Context(), now.Truncate(time.Hour).Add(-(deskHours-1)*time.Hour))
	if err != nil {
		c.render(w, r, http.StatusInternalServerError, "message", s, view{Title: "Desk", Message: err.Error()})
		return
	}
	for _, row := range rows {
		dv.Charts = append(dv.Charts, chartOf(row.ID, row.Name, arrivals[row.ID], now))
	}
	c.render(w, r, http.StatusOK, "desk", s, view{Title: "Desk", Data: dv})
}

// rhythmStories is how many of a source's newest stories tell its rhythm.
const rhythmStories = 21

// silence says why a source is quiet beyond its rhythm, or "": the
// newest arrivals (newest first) give its usual gap between fetches
// bringing news (the median; stories of one fetch count once); quiet for
// more than three usual gaps, and at least an hour, is news.
func silence(last []time.Time, now time.Time) string {
	var gaps []time.Duration
	for i := 1; i < len(last); i++ {
		if gap := last[i-1].Sub(last[i]); gap >= time.Minute {
			gaps = append(gaps, gap)
		}
	}
	if len(gaps) < 3 {
		return "" // no rhythm known yet
	}
	slices.Sort(gaps)
	usual := gaps[len(gaps)/2]
	quiet := now.Sub(last[0])
	if quiet < time.Hour || quiet <= 3*usual {
		return ""
	}
	return fmt.Sprintf("silent for %s; usually a new story every %s", roundDuration(quiet), roundDuration(usual))
}

// roundDuration writes d to the minute, or the hour past a day.
func roundDuration(d time.Duration) string {
	if d >= 24*time.Hour {
		return d.Round(time.Hour).String()
	}
	return d.Round(time.Minute).String()
}

// Chart geometry: a bar per hour, chartBar wide with a 1 px gap, up to
// chartHeight tall.
const (
	chartBar    = 6
	chartHeight = 32
)

// chartOf counts arrivals per hour for the deskHours ending with now's.
func chartOf(id, name string, arrivals []time.Time, now time.Time) chart {
	first := now.Truncate(time.Hour).Add(-(deskHours - 1) * time.Hour)
	counts := make([]int, deskHours)
	for _, t := range arrivals {
		if h := int(t.Sub(first) / time.Hour); h >= 0 && h < deskHours {
			counts[h]++
		}
	}
	most := slices.Max(counts)
	ch := chart{ID: id, Name: name}
	for h, n := range counts {
		height := 0
		if most > 0 {
			height = (n*chartHeight + most - 1) / most
		}
		ch.Total += n
		ch.Bars = append(ch.Bars, bar{X: h * (chartBar + 1), Y: chartHeight - height, H: height, Count: n,
			Hour: first.Add(time.Duration(h) * time.Hour).Format("15:04")})
	}
	return ch
}
