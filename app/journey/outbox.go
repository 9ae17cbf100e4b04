package journey

import (
	"context"
	"fmt"
	"net/http"

	"authdesk/app/platform/api"
)

// ReadOutbox returns the platform's outgoing mail, newest first, as
// GET /api/outbox lists it (a platform off loopback shows only a signed-in
// admin's own mail, so this reads nothing there).
func ReadOutbox(ctx context.Context, baseURL string) ([]api.Message, error) {
	c, err := NewClient(baseURL)
	if err != nil {
		return nil, err
	}
	var out struct {
		Messages []api.Message `json:"messages"`
	}
	if err := c.do(ctx, http.MethodGet, "/api/outbox", nil, &out); err != nil {
		return nil, fmt.Errorf("read the outbox: %w", err)
	}
	return out.Messages, nil
}
