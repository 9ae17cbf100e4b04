package journey

import (
	"context"
	"net/http"
	"time"
)

// Now reads the platform's test clock (GET /api/test/clock); the platform
// must run with its test clock enabled.
func (c *Client) Now(ctx context.Context) (time.Time, error) {
	var out struct {
		Now time.Time `json:"now"`
	}
	err := c.do(ctx, http.MethodGet, "/api/test/clock", nil, &out)
	return out.Now, err
}
