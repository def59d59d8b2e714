package resolution

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/callback"
)

func TestAfterAttempt(t *testing.T) {
	t.Parallel()
	schedule := []time.Duration{time.Second, 10 * time.Second}
	failed := callback.Outcome{StatusCode: http.StatusBadGateway, Err: errors.New("receiver answered 502")}
	for _, tc := range []struct {
		name  string
		out   callback.Outcome
		round int
		state string
		wait  time.Duration // ±10% unless exact
		exact bool
	}{
		{"delivered", callback.Outcome{StatusCode: 204}, 1, CallbackDelivered, 0, true},
		{"delivered on the last round", callback.Outcome{StatusCode: 200}, 3, CallbackDelivered, 0, true},
		{"first failure waits the first delay", failed, 1, CallbackPending, time.Second, false},
		{"second failure waits the second", failed, 2, CallbackPending, 10 * time.Second, false},
		{"past the schedule fails for good", failed, 3, CallbackFailed, 0, true},
		{"gone fails at once", callback.Outcome{StatusCode: http.StatusGone, Err: errors.New("410")}, 1, CallbackFailed, 0, true},
		{"retry-after wins over the schedule", callback.Outcome{StatusCode: 503, Err: errors.New("503"),
			RetryAfter: time.Minute, HasRetryAfter: true}, 1, CallbackPending, time.Minute, true},
		{"retry-after does not outlast the schedule", callback.Outcome{StatusCode: 503, Err: errors.New("503"),
			RetryAfter: time.Minute, HasRetryAfter: true}, 3, CallbackFailed, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			state, wait := AfterAttempt(tc.out, tc.round, schedule)
			require.Equal(t, tc.state, state)
			if tc.exact {
				require.Equal(t, tc.wait, wait)
			} else {
				require.InDelta(t, float64(tc.wait), float64(wait), 0.1*float64(tc.wait)+1)
			}
		})
	}
}

func TestBody(t *testing.T) {
	t.Parallel()
	ext := "e-1"
	for _, tc := range []struct {
		name string
		got  func() ([]byte, error)
		want string
	}{
		{"fields at the top, id and status over them", func() ([]byte, error) {
			return Body("res_1", Completed, nil, map[string]any{"md5": "x", "id": "spoofed", "status": "spoofed"})
		}, `{"id":"res_1","status":"completed","md5":"x"}`},
		{"externalId when given", func() ([]byte, error) {
			return Body("res_1", NotFound, &ext, map[string]any{"companyName": nil})
		}, `{"id":"res_1","status":"not_found","externalId":"e-1","companyName":null}`},
		{"failure", func() ([]byte, error) { return FailureBody("res_1", &ext) },
			`{"id":"res_1","status":"failed","externalId":"e-1","error":"The resolution could not be completed because of an internal error."}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := tc.got()
			require.NoError(t, err)
			require.True(t, json.Valid(b))
			require.JSONEq(t, tc.want, string(b))
		})
	}
}

func TestRequestHash(t *testing.T) {
	t.Parallel()
	r := Request{Endpoint: "email-to-hem", Request: []byte(`{"email":"a@b.co"}`), CallbackURL: "https://c.example.com/"}
	same := r
	same.APIKeyID, same.IdempotencyKey, same.JobMetadata = "key_2", "k", []byte(`{}`)
	require.Equal(t, r.hash(), same.hash(), "who asks and how it is traced do not change what is asked")
	for name, change := range map[string]func(*Request){
		"endpoint":     func(r *Request) { r.Endpoint = "enrichment" },
		"request":      func(r *Request) { r.Request = []byte(`{"email":"c@d.co"}`) },
		"callback URL": func(r *Request) { r.CallbackURL = "https://d.example.com/" },
		"external id":  func(r *Request) { r.ExternalID = "x" },
	} {
		other := r
		change(&other)
		require.NotEqual(t, r.hash(), other.hash(), name)
	}
}

func TestIDAt(t *testing.T) {
	t.Parallel()
	now := time.Now()
	before, after := NewID(), ""
	time.Sleep(2 * time.Millisecond)
	cut := IDAt(time.Now())
	time.Sleep(2 * time.Millisecond)
	after = NewID()
	require.Less(t, before, cut, "an id made before the cutoff sorts below it")
	require.Less(t, cut, after, "an id made after sorts above it")
	require.Less(t, IDAt(now.Add(-time.Hour)), IDAt(now))
}
