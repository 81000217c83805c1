package publisher

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// hubTimeout bounds one notification of the WebSub hub.
const hubTimeout = 10 * time.Second

// notifyHub tells the WebSub hub that the feeds of the given sections
// changed (a "publish" ping per feed URL, as hubs expect), in the
// background: a slow or failing hub never delays ingest or serving.
func (p *Publisher) notifyHub(sectionIDs []string) {
	if p.hub == "" || len(sectionIDs) == 0 {
		return
	}
	var topics []string
	for _, id := range sectionIDs {
		for _, f := range formats {
			topics = append(topics, p.baseURL+"/feeds/"+id+"."+f.ext)
		}
	}
	go func() {
		for _, topic := range topics {
			if err := p.ping(topic); err != nil {
				log := p.log
				if log == nil {
					log = slog.Default()
				}
				log.Warn("publisher: websub hub", "topic", topic, "err", err)
			}
		}
	}()
}

// ping sends one publish notification.
func (p *Publisher) ping(topic string) error {
	ctx, cancel := context.WithTimeout(context.Background(), hubTimeout)
	defer cancel()
	form := url.Values{"hub.mode": {"publish"}, "hub.url": {topic}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.hub, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := p.hubClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("hub answered %s", resp.Status)
	}
	return nil
}
