package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// scheduleParser reads the schedules of the config: five cron fields or a
// descriptor such as "@hourly" or "@every 15m", optionally led by
// "CRON_TZ=zone" (or "TZ=zone").
var scheduleParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSchedule parses a schedule spec as the config writes it. A spec that
// names no zone runs in loc. It is the one place a schedule is parsed:
// validation, the scheduler and the feeds' max-age all read it through here.
func ParseSchedule(spec string, loc *time.Location) (cron.Schedule, error) {
	// cron v3.0.1 panics on a zone prefix with nothing after it.
	if (strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=")) && !strings.Contains(strings.TrimSpace(spec), " ") {
		return nil, fmt.Errorf("time zone prefix without a schedule")
	}
	sched, err := scheduleParser.Parse(spec)
	if err != nil {
		return nil, err
	}
	// The parser leaves time.Local where the spec names no zone; the
	// config's zone is meant, whatever the machine's is.
	if s, ok := sched.(*cron.SpecSchedule); ok && s.Location == time.Local {
		s.Location = loc
	}
	return sched, nil
}

// ScheduleFor returns the parsed schedule src is polled on (see ScheduleOf),
// in the config's zone unless the spec names one. It is nil only for a
// Config that was not validated.
func (c *Config) ScheduleFor(src Source) cron.Schedule {
	spec := c.ScheduleOf(src)
	if s, ok := c.schedules[spec]; ok {
		return s
	}
	s, _ := ParseSchedule(spec, c.Location())
	return s
}

// RetentionSchedule returns the parsed retention.schedule, or nil when
// pruning runs on no schedule.
func (c *Config) RetentionSchedule() cron.Schedule {
	if c.Retention.Schedule == "" {
		return nil
	}
	return c.ScheduleFor(Source{Schedule: c.Retention.Schedule})
}

// parseSchedules parses every schedule of a valid config once.
func (c *Config) parseSchedules() {
	c.schedules = map[string]cron.Schedule{}
	specs := []string{c.Schedule, c.Retention.Schedule}
	for _, src := range c.Sources {
		specs = append(specs, src.Schedule)
	}
	for _, spec := range specs {
		if spec == "" {
			continue
		}
		if s, err := ParseSchedule(spec, c.Location()); err == nil {
			c.schedules[spec] = s
		}
	}
}
