package client

import (
	"context"
	"net/http"
	"net/url"
)

// UsageCounts are a period's figures: requests and batch items accepted, and how those
// finished; Processing is what is still in flight.
type UsageCounts struct {
	Accepted   int64 `json:"accepted"`
	Completed  int64 `json:"completed"`
	NotFound   int64 `json:"notFound"`
	Failed     int64 `json:"failed"`
	Processing int64 `json:"processing"`
}

// UsageDay is one endpoint's figures of one UTC day (the day requests were accepted).
type UsageDay struct {
	Date     string `json:"date"`
	Endpoint string `json:"endpoint"`
	UsageCounts
}

// Quota is the state of the key's monthly quota: Used (what has finished and counts) and
// Reserved (in flight) of Limit, Remaining to be accepted until ResetsAt.
type Quota struct {
	Period    string `json:"period"` // month
	Counts    string `json:"counts"` // completed or accepted
	Limit     int64  `json:"limit"`
	Used      int64  `json:"used"`
	Reserved  int64  `json:"reserved"`
	Remaining int64  `json:"remaining"`
	ResetsAt  string `json:"resetsAt"`
}

// Usage is the answer of Client.Usage.
type Usage struct {
	From   string      `json:"from"`
	To     string      `json:"to"`
	Totals UsageCounts `json:"totals"`
	Days   []UsageDay  `json:"days"`
	Quota  *Quota      `json:"quota"` // nil for a key without a quota
}

// Usage returns what this API key used from one UTC day to another, both included
// (YYYY-MM-DD; "" for both is the current month), and the state of its quota.
func (c *Client) Usage(ctx context.Context, from, to string) (*Usage, error) {
	q := url.Values{}
	if from != "" {
		q.Set("from", from)
	}
	if to != "" {
		q.Set("to", to)
	}
	path := "/v1/usage"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var u Usage
	if err := c.do(ctx, http.MethodGet, path, nil, "", http.StatusOK, &u); err != nil {
		return nil, err
	}
	return &u, nil
}
