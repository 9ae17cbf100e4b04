package journey

import (
	"context"
	"fmt"
	"net/http"
)

// Mail is one message in the platform's outbox.
type Mail struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
	Link    string `json:"link"`
}

// ReadOutbox returns the platform's outgoing mail, newest first, as
// GET /api/outbox lists it (a platform off loopback shows only a signed-in
// admin's own mail, so this reads nothing there).
func ReadOutbox(ctx context.Context, baseURL string) ([]Mail, error) {
	c, err := NewClient(baseURL)
	if err != nil {
		return nil, err
	}
	var out struct {
		Messages []Mail `json:"messages"`
	}
	if err := c.do(ctx, http.MethodGet, "/api/outbox", nil, &out); err != nil {
		return nil, fmt.Errorf("read the outbox: %w", err)
	}
	return out.Messages, nil
}
