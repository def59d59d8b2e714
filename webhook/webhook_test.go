package webhook

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The example of the Standard Webhooks specification.
const (
	specSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	specID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	specTS     = 1614265330
	specBody   = `{"test": 2432232314}`
	specSig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestSign(t *testing.T) {
	t.Parallel()
	sig, err := Sign(specSecret, specID, specTS, []byte(specBody))
	require.NoError(t, err)
	require.Equal(t, specSig, sig)

	tests := []struct {
		name   string
		id     string
		ts     int64
		body   string
		header string
		want   bool
	}{
		{"exact", specID, specTS, specBody, specSig, true},
		{"one of several", specID, specTS, specBody, "v1,bm9wZQ== " + specSig, true},
		{"other body", specID, specTS, `{"test": 2432232315}`, specSig, false},
		{"other id", "msg_other", specTS, specBody, specSig, false},
		{"other timestamp", specID, specTS + 1, specBody, specSig, false},
		{"empty header", specID, specTS, specBody, "", false},
		{"another version", specID, specTS, specBody, "v2," + specSig[3:], false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, ValidSignature(specSecret, tc.id, tc.ts, []byte(tc.body), tc.header))
		})
	}
	_, err = Sign("whsec_!!!", "id", 1, []byte(specBody))
	require.ErrorIs(t, err, ErrSecret)
	require.False(t, ValidSignature("whsec_!!!", specID, specTS, []byte(specBody), specSig))
}

func TestVerifier(t *testing.T) {
	t.Parallel()
	const other = "whsec_c2Vjb25kIHNlY3JldCBmb3Igcm90YXRpb24="
	otherSig, err := Sign(other, specID, specTS, []byte(specBody))
	require.NoError(t, err)
	at := func(d time.Duration) func() time.Time {
		return func() time.Time { return time.Unix(specTS, 0).Add(d) }
	}
	headers := func(id, ts, sig string) http.Header {
		h := http.Header{}
		for k, v := range map[string]string{HeaderID: id, HeaderTimestamp: ts, HeaderSignature: sig} {
			if v != "" {
				h.Set(k, v)
			}
		}
		return h
	}
	ts := strconv.Itoa(specTS)
	tests := []struct {
		name    string
		secrets []string
		now     func() time.Time
		header  http.Header
		body    string
		want    error
	}{
		{"valid", []string{specSecret}, at(0), headers(specID, ts, specSig), specBody, nil},
		{"4m59s late", []string{specSecret}, at(4*time.Minute + 59*time.Second), headers(specID, ts, specSig), specBody, nil},
		{"6 minutes late", []string{specSecret}, at(6 * time.Minute), headers(specID, ts, specSig), specBody, ErrTimestamp},
		{"6 minutes early", []string{specSecret}, at(-6 * time.Minute), headers(specID, ts, specSig), specBody, ErrTimestamp},
		{"timestamp not a number", []string{specSecret}, at(0), headers(specID, "soon", specSig), specBody, ErrTimestamp},
		{"tampered body", []string{specSecret}, at(0), headers(specID, ts, specSig), `{"test": 1}`, ErrSignature},
		{"wrong secret", []string{other}, at(0), headers(specID, ts, specSig), specBody, ErrSignature},
		{"either secret during a rotation", []string{other, specSecret}, at(0), headers(specID, ts, specSig), specBody, nil},
		{"both signatures sent", []string{other}, at(0), headers(specID, ts, specSig+" "+otherSig), specBody, nil},
		{"no id", []string{specSecret}, at(0), headers("", ts, specSig), specBody, ErrMissingHeaders},
		{"no timestamp", []string{specSecret}, at(0), headers(specID, "", specSig), specBody, ErrMissingHeaders},
		{"no signature", []string{specSecret}, at(0), headers(specID, ts, ""), specBody, ErrMissingHeaders},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := NewVerifier(tc.secrets...)
			require.NoError(t, err)
			v.Now = tc.now
			err = v.Verify(tc.header, []byte(tc.body))
			if tc.want == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.want)
			}
		})
	}

	_, err = NewVerifier()
	require.ErrorIs(t, err, ErrSecret)
	_, err = NewVerifier("whsec_not base64")
	require.ErrorIs(t, err, ErrSecret)
}

func TestHandler(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier(specSecret)
	require.NoError(t, err)
	v.Now = func() time.Time { return time.Unix(specTS, 0) }
	var got []*Event
	h := v.Handler(func(_ *http.Request, e *Event) error {
		if e.Status == "failed" {
			return errors.New("not now")
		}
		got = append(got, e)
		return nil
	})
	post := func(body, sig string) int {
		r := httptest.NewRequest(http.MethodPost, "/cb", bytes.NewReader([]byte(body)))
		r.Header.Set(HeaderID, "res_1")
		r.Header.Set(HeaderTimestamp, strconv.Itoa(specTS))
		r.Header.Set(HeaderSignature, sig)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	body := `{"id": "res_1", "status": "completed", "externalId": "row-7", "md5": "x"}`
	sig, _ := Sign(specSecret, "res_1", specTS, []byte(body))
	require.Equal(t, http.StatusNoContent, post(body, sig))
	require.Len(t, got, 1)
	require.Equal(t, Event{ID: "res_1", Status: "completed", ExternalID: "row-7", Body: []byte(body)}, *got[0])
	var fields struct{ MD5 string }
	require.NoError(t, got[0].Decode(&fields))
	require.Equal(t, "x", fields.MD5)

	require.Equal(t, http.StatusUnauthorized, post(body+" ", sig))
	failed := `{"id": "res_1", "status": "failed", "error": "x"}`
	sig, _ = Sign(specSecret, "res_1", specTS, []byte(failed))
	require.Equal(t, http.StatusInternalServerError, post(failed, sig))
	require.Len(t, got, 1)
}

// FuzzVerify feeds arbitrary headers and bodies: Verify must never panic, and must accept
// only what was signed.
func FuzzVerify(f *testing.F) {
	f.Add(specID, strconv.Itoa(specTS), specSig, specBody)
	f.Add("", "", "", "")
	f.Add(specID, "-99999999999999999999", "v1,", "{}")
	f.Add(specID, strconv.Itoa(specTS), "v1,"+specSig+" v1 ,,", specBody)
	v, err := NewVerifier(specSecret)
	if err != nil {
		f.Fatal(err)
	}
	v.Now = func() time.Time { return time.Unix(specTS, 0) }
	f.Fuzz(func(t *testing.T, id, ts, sig, body string) {
		h := http.Header{}
		h.Set(HeaderID, id)
		h.Set(HeaderTimestamp, ts)
		h.Set(HeaderSignature, sig)
		if v.Verify(h, []byte(body)) == nil && (id != specID || body != specBody) {
			t.Fatalf("accepted a message that was not signed: id %q body %q", id, body)
		}
	})
}
