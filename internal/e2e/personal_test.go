package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/normalize"
	"github.com/openresolve/openresolve/internal/privacy"
	"github.com/openresolve/openresolve/internal/resolution"
	"github.com/openresolve/openresolve/internal/tools/harness"
	"github.com/openresolve/openresolve/internal/tools/testkit"
)

// janeForms are every form the fixture graph and the requests below hold Jane Doe's
// identifiers in.
func janeForms() []string {
	forms := []string{"p_jane", "janedoe", "jane.doe@acmelogistics.com", "jane.doe@gmail.com",
		"+14155550100", "+14155550123", "4155550100", "4155550123"}
	for _, e := range []string{"jane.doe@acmelogistics.com", "jane.doe@gmail.com"} {
		h := normalize.HashEmail(e)
		forms = append(forms, h.MD5, h.SHA1, h.SHA256)
	}
	return forms
}

// TestForget: a person forgotten is gone from every table in every form, stays gone through
// a re-import, is answered as never having existed, and the erasure is recorded without them.
func TestForget(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{noWorker: true})
	testkit.LoadGraph(t, s.pool, testkit.FixtureGraph)
	rcv := testkit.NewReceiver(t)
	w := startWorker(t, s, nil)

	// Resolutions that mention her: in the request, in the result, or both.
	var done []string
	for _, c := range []struct {
		path string
		body map[string]any
	}{
		{"/v1/linkedin-to-hem", map[string]any{"linkedinUrl": "https://www.linkedin.com/in/JaneDoe/"}},
		{"/v1/email-to-hem", map[string]any{"email": "Jane.Doe@Gmail.com", "externalId": "crm-1"}},
		{"/v1/deanonymization", map[string]any{"ip": "64.207.100.23"}},
		{"/v1/linkedin-to-phone", map[string]any{"linkedinUrl": "linkedin.com/in/johnsmith"}},
	} {
		c.body["callbackUrl"] = rcv.URL
		r := s.post(c.path, c.body, nil)
		require.Equal(t, http.StatusAccepted, r.Status, "%s", r.Body)
		done = append(done, r.json(t)["id"].(string))
	}
	rcv.WaitFor(t, 4, 10*time.Second)
	for _, id := range done {
		s.waitCallbackState(id, "delivered", 5*time.Second)
	}

	// One still processing when she is forgotten: no worker runs it until after.
	require.NoError(t, w.Stop(context.Background()))
	r := s.post("/v1/linkedin-to-phone", map[string]any{"linkedinUrl": "linkedin.com/in/janedoe", "callbackUrl": rcv.URL}, nil)
	require.Equal(t, http.StatusAccepted, r.Status)
	inFlight := r.json(t)["id"].(string)

	code, out, errOut := s.cliRun("forget", "--email", " Jane.Doe@AcmeLogistics.com", "--json")
	require.Equal(t, 0, code, errOut)
	var e privacy.Erasure
	require.NoError(t, json.Unmarshal([]byte(out), &e))
	require.Equal(t, privacy.Erasure{People: 1, Emails: 2, Phones: 2, Observations: 1, ResolutionsRedacted: 4, Suppressed: 6}, e,
		"her id, profile, two emails and two phones are suppressed; the request to linkedin-to-hem, the email-to-hem, "+
			"the deanonymization that named her and the one in flight are redacted")

	for _, id := range done[:3] {
		st := s.status(id)
		require.Equal(t, map[string]any{"redacted": true}, st["result"], id)
		require.Nil(t, st["externalId"], id)
	}
	require.NotEqual(t, map[string]any{"redacted": true}, s.status(done[3])["result"], "John's is his own")

	// The one in flight is answered as if she never existed.
	startWorker(t, s, nil)
	cb := rcv.WaitFor(t, 5, 10*time.Second)[4]
	var body map[string]any
	require.NoError(t, json.Unmarshal(cb.Body, &body))
	require.Equal(t, inFlight, body["id"])
	require.Equal(t, "not_found", body["status"])

	// A re-import of the supplier's files brings nobody back, and says so.
	for _, kind := range []string{"people", "emails", "phones", "ip_observations"} {
		im := testkit.ImportCSV(t, s.pool, kind, testkit.FixtureGraph[kind])
		require.Positive(t, im.Suppressed, kind)
		require.Zero(t, im.Rejected, kind)
	}
	require.Zero(t, s.count(`SELECT count(*) FROM people WHERE person_id = 'p_jane'`))
	require.Zero(t, s.count(`SELECT count(*) FROM emails WHERE person_id = 'p_jane'`))

	// Her IP observation no longer names her: the address answers with the other person seen there.
	r = s.post("/v1/deanonymization", map[string]any{"ip": "64.207.100.23", "callbackUrl": rcv.URL}, nil)
	require.Equal(t, http.StatusAccepted, r.Status)
	deanon := r.json(t)["id"].(string)
	st := s.waitCallbackState(deanon, "delivered", 10*time.Second)
	require.Equal(t, "John Smith", st["result"].(map[string]any)["person"].(map[string]any)["fullName"])

	// Nothing in the database holds her in any form, the erasure's record included; the
	// suppression list holds the SHA-256 of each identifier (for an email, its sha256 HEM),
	// which is how the contract keeps them out.
	pgDump, err := harness.PGTool("pg_dump")
	require.NoError(t, err)
	dump, err := exec.Command(pgDump, "--data-only", "--exclude-table-data=suppressions", s.dbURL).CombinedOutput()
	require.NoError(t, err, "%s", dump)
	for _, f := range janeForms() {
		require.False(t, strings.Contains(strings.ToLower(string(dump)), strings.ToLower(f)), "the dump holds %s", f)
	}
	require.Equal(t, 6, s.count(`SELECT count(*) FROM suppressions WHERE octet_length(hash) = 32 AND source = 'forget'`))
	require.Equal(t, 1, s.count(`SELECT count(*) FROM erasures WHERE kind = 'email' AND people = 1`))

	// Forgetting again finds nothing.
	code, out, errOut = s.cliRun("forget", "--person-id", "p_jane", "--json")
	require.Equal(t, 0, code, errOut)
	require.JSONEq(t, `{"people": 0, "emails": 0, "phones": 0, "observations": 0, "resolutionsRedacted": 0, "suppressed": 0}`, out)
}

// TestSuppressionList: an opt-out list keeps identifiers out of every answer and every import.
func TestSuppressionList(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{})
	testkit.LoadGraph(t, s.pool, testkit.FixtureGraph)
	rcv := testkit.NewReceiver(t)

	im := testkit.ImportCSV(t, s.pool, "suppressions", "email,linkedin_url,phone,hem\n"+
		"JOHN.SMITH@summithealth.com,,,\n"+
		",https://www.linkedin.com/in/AnnLee,,\n"+
		",,+1 415 555 0123,\n"+
		",,,"+normalize.HashEmail("jane.doe@gmail.com").SHA256+"\n")
	require.Equal(t, int64(4), im.Inserted)
	require.Equal(t, 4, s.count(`SELECT count(*) FROM suppressions WHERE source = 'import'`))

	ask := func(path string, body map[string]any) map[string]any {
		body["callbackUrl"] = rcv.URL
		r := s.post(path, body, nil)
		require.Equal(t, http.StatusAccepted, r.Status, "%s", r.Body)
		return s.waitCallbackState(r.json(t)["id"].(string), "delivered", 10*time.Second)["result"].(map[string]any)
	}
	// Asked about directly: not found.
	annRes := ask("/v1/linkedin-to-hem", map[string]any{"linkedinUrl": "linkedin.com/in/annlee"})
	require.Equal(t, "not_found", annRes["status"], "%v", annRes)
	require.Equal(t, "not_found", ask("/v1/enrichment", map[string]any{"email": "john.smith@summithealth.com"})["status"])
	// Never in an answer: Jane's suppressed mobile and personal email are left out.
	phones := ask("/v1/linkedin-to-phone", map[string]any{"linkedinUrl": "linkedin.com/in/janedoe"})["phones"].([]any)
	require.Len(t, phones, 1)
	require.Equal(t, "+14155550100", phones[0].(map[string]any)["number"])
	hems := ask("/v1/linkedin-to-hem", map[string]any{"linkedinUrl": "linkedin.com/in/janedoe"})
	require.NotContains(t, string(must(json.Marshal(hems))), normalize.HashEmail("jane.doe@gmail.com").SHA256)
	// Plain hashing is not a look-up: email-to-hem still answers.
	require.Equal(t, "completed", ask("/v1/email-to-hem", map[string]any{"email": "john.smith@summithealth.com"})["status"])

	// An import skips the suppressed rows and counts them.
	im = testkit.ImportCSV(t, s.pool, "people", testkit.FixtureGraph["people"])
	require.Equal(t, int64(1), im.Suppressed, "Ann's row carries her suppressed profile")
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestPurge: retention deletes what finished long ago and was delivered, nothing else.
func TestPurge(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{})
	rcv := testkit.NewReceiver(t)
	recent := s.accept(rcv.URL, nil)
	s.waitCallbackState(recent, "delivered", 10*time.Second)
	// Three made 50 hours ago (ids are ULIDs, which carry their time): one finished and
	// delivered, with its delivery attempt; one still processing; one awaiting delivery.
	at := time.Now().Add(-50 * time.Hour)
	old, processing, pending := resolution.IDAt(at), resolution.IDAt(at.Add(time.Millisecond)), resolution.IDAt(at.Add(2*time.Millisecond))
	_, err := s.pool.Exec(context.Background(), `
		INSERT INTO resolutions (id, api_key_id, endpoint, request, request_hash, callback_url, requested_at, status, result, completed_at, callback_status)
		SELECT x.id, api_key_id, endpoint, request, request_hash, callback_url, now() - interval '50 hours', x.status, result,
		       CASE WHEN x.status = 'processing' THEN NULL ELSE now() - interval '49 hours' END, x.callback_status
		FROM resolutions, (VALUES ($2, 'completed', 'delivered'), ($3, 'processing', 'pending'), ($4, 'completed', 'pending'))
		    AS x(id, status, callback_status)
		WHERE resolutions.id = $1`, recent, old, processing, pending)
	require.NoError(t, err)
	_, err = s.pool.Exec(context.Background(), `INSERT INTO callback_attempts (resolution_id, attempt, started_at, duration_ms, status_code)
		VALUES ($1, 1, now() - interval '49 hours', 3, 204)`, old)
	require.NoError(t, err)

	code, out, errOut := s.cliRun("purge", "--older-than", "48h", "--json")
	require.Equal(t, 0, code, errOut)
	require.JSONEq(t, `{"resolutions": 1, "batches": 0}`, out)
	require.Equal(t, http.StatusNotFound, s.do(http.MethodGet, "/v1/resolutions/"+old, nil, nil).Status)
	require.Zero(t, s.count(`SELECT count(*) FROM callback_attempts WHERE resolution_id = $1`, old))
	require.Equal(t, 3, s.count(`SELECT count(*) FROM resolutions`), "recent, processing and pending stay")
	s.status(recent)

	code, out, _ = s.cliRun("purge", "--older-than", "48h", "--json")
	require.Equal(t, 0, code)
	require.JSONEq(t, `{"resolutions": 0, "batches": 0}`, out)
	code, _, errOut = s.cliRun("purge", "--older-than", "-1h")
	require.NotEqual(t, 0, code)
	require.Contains(t, errOut, "positive duration")
}

// TestErasureWhileResolving: an outcome read from the graph before an erasure is refused, so
// the resolution is resolved again without the person.
func TestErasureWhileResolving(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{noWorker: true})
	rcv := testkit.NewReceiver(t)
	id := s.accept(rcv.URL, nil)
	steps, err := resolution.NewSteps(s.pool, s.logger, time.Millisecond, 5*time.Second)
	require.NoError(t, err)
	t.Cleanup(steps.Close)
	ctx := context.Background()

	before, err := steps.Load(ctx, id)
	require.NoError(t, err)
	_, err = privacy.Forget(ctx, s.pool, privacy.Email, "someone@example.com")
	require.NoError(t, err)
	body := []byte(`{"status": "completed"}`)
	err = steps.Finish(ctx, resolution.Outcome{ID: id, Status: resolution.Completed, Body: body, ErasureEpoch: before.ErasureEpoch})
	require.ErrorIs(t, err, resolution.ErrErased)
	require.Equal(t, "processing", s.status(id)["status"], "nothing stored")

	after, err := steps.Load(ctx, id)
	require.NoError(t, err)
	require.Greater(t, after.ErasureEpoch, before.ErasureEpoch)
	require.NoError(t, steps.Finish(ctx, resolution.Outcome{ID: id, Status: resolution.Completed, Body: body, ErasureEpoch: after.ErasureEpoch}))
	require.Equal(t, "completed", s.status(id)["status"])
}
