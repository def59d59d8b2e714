package e2e

import (
	"encoding/json"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/netguard"
	"github.com/openresolve/openresolve/internal/tools/testkit"
	"github.com/openresolve/openresolve/webhook"
)

// TestSSRF tries every way of pointing a callback at an address it must not reach. Literal
// addresses are refused at accept; names are refused when the worker dials, on the address it
// would connect to, which no DNS trick can change. The refusals happen before any packet is sent.
func TestSSRF(t *testing.T) {
	t.Parallel()
	dns := testkit.NewDNS(t)
	// 127.0.0.2 stands in for a public address: the worker may dial it, and nothing else.
	public := netguard.Policy{Allowed: []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32")}}
	publicOnly := netguard.Policy{}
	s := newStack(t, stackOpts{apiPolicy: &publicOnly, workerPolicy: &public, dnsResolver: dns.Resolver(),
		schedule: []time.Duration{50 * time.Millisecond, 50 * time.Millisecond}})

	// A "public" receiver on 127.0.0.2 and a private one on 127.0.0.1, on the same port.
	var pub, priv *testkit.Receiver
	for range 20 {
		pub = testkit.NewReceiverAt(t, "127.0.0.2:0")
		port := pub.Listener.Addr().(*net.TCPAddr).Port
		if ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
			_ = ln.Close()
			priv = testkit.NewReceiverAt(t, "127.0.0.1:"+strconv.Itoa(port))
			break
		}
	}
	require.NotNil(t, priv)
	port := strconv.Itoa(pub.Listener.Addr().(*net.TCPAddr).Port)

	t.Run("literal addresses are refused at accept", func(t *testing.T) {
		for _, host := range []string{
			"127.0.0.1", "127.1", "0", "0.0.0.0", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254",
			"100.64.0.1", "[::1]", "[::]", "[fc00::1]", "[fd00:ec2::254]", "[fe80::1]", "[::ffff:127.0.0.1]",
			"[::ffff:a00:1]", "2130706433", "0x7f000001", "0x7f.1", "0177.0.0.1", "017700000001", "localhost",
			"app.localhost", "LOCALHOST.",
		} {
			u := "http://" + host + ":" + port + "/cb"
			r := s.post("/v1/email-to-hem", map[string]any{"email": "a@b.co", "callbackUrl": u}, nil)
			require.Equal(t, http.StatusUnprocessableEntity, r.Status, u)
			require.Equal(t, "callback_url_forbidden", r.errorCode(t), u)
		}
	})

	t.Run("names of private addresses are refused at dial time", func(t *testing.T) {
		names := map[string]string{
			"loopback.example.com": "127.0.0.1", "private.example.com": "10.0.0.1",
			"metadata.example.com": "169.254.169.254", "cgnat.example.com": "100.64.0.1",
			"v6loop.example.com": "::1", "ula.example.com": "fd00::1",
		}
		var ids []string
		for name, addr := range names {
			dns.Set(name, addr)
			ids = append(ids, s.accept("http://"+name+":"+port+"/cb", nil))
		}
		for _, id := range ids {
			st := s.waitCallbackState(id, "failed", 10*time.Second)
			cb := st["callback"].(map[string]any)
			require.EqualValues(t, 3, cb["attempts"])
			require.Contains(t, cb["lastError"], "not public")
		}
		require.Empty(t, priv.Deliveries())
	})

	t.Run("DNS rebinding", func(t *testing.T) {
		// The first look-up answers the public address, every later one the private address.
		dns.Set("rebind.example.com", "127.0.0.2", "127.0.0.1")
		pub.Respond = func(_ int, w http.ResponseWriter) int {
			w.Header().Set("Connection", "close") // so the retry dials, and looks up, again
			return http.StatusInternalServerError
		}
		id := s.accept("http://rebind.example.com:"+port+"/cb", nil)
		st := s.waitCallbackState(id, "failed", 10*time.Second)
		require.Contains(t, st["callback"].(map[string]any)["lastError"], "not public")
		require.Len(t, pub.Deliveries(), 1)
		require.Empty(t, priv.Deliveries())
	})

	t.Run("a public receiver redirecting to a private one", func(t *testing.T) {
		dns.Set("redirect.example.com", "127.0.0.2")
		pub.Respond = func(_ int, w http.ResponseWriter) int {
			w.Header().Set("Location", "http://127.0.0.1:"+port+"/stolen")
			return http.StatusTemporaryRedirect
		}
		id := s.accept("http://redirect.example.com:"+port+"/cb", nil)
		st := s.waitCallbackState(id, "failed", 10*time.Second)
		require.EqualValues(t, 307, st["callback"].(map[string]any)["lastStatusCode"])
		require.Empty(t, priv.Deliveries())
	})
}

func TestSigningSecretRotation(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{})
	rcv := testkit.NewReceiver(t)
	oldSecret := s.key.SigningSecret

	rotate := func(overlap string) string {
		code, out, errOut := s.cliRun("keys", "rotate-secret", s.key.ID, "--overlap", overlap, "--json")
		require.Equal(t, 0, code, errOut)
		var res map[string]string
		require.NoError(t, json.Unmarshal([]byte(out), &res))
		return res["signingSecret"]
	}
	verify := func(d testkit.Delivery, secret string) bool {
		ts, _ := strconv.ParseInt(d.Header.Get("webhook-timestamp"), 10, 64)
		return webhook.ValidSignature(secret, d.Header.Get("webhook-id"), ts, d.Body, d.Header.Get("webhook-signature"))
	}

	newSecret := rotate("1h")
	require.NotEqual(t, oldSecret, newSecret)
	s.accept(rcv.URL, nil)
	d := rcv.WaitFor(t, 1, 10*time.Second)[0]
	require.Len(t, strings.Fields(d.Header.Get("webhook-signature")), 2)
	require.True(t, verify(d, newSecret), "the new secret verifies")
	require.True(t, verify(d, oldSecret), "the old secret still verifies during the overlap")

	newest := rotate("0s")
	s.accept(rcv.URL, nil)
	d = rcv.WaitFor(t, 2, 10*time.Second)[1]
	require.Len(t, strings.Fields(d.Header.Get("webhook-signature")), 1)
	require.True(t, verify(d, newest))
	require.False(t, verify(d, newSecret), "no overlap: the previous secret no longer signs")
}

// TestLogsHoldNoPersonalData captures every log line, at debug level, of a run that touches
// emails, phones, keys and secrets on good and bad paths, and looks for any of them in clear.
func TestLogsHoldNoPersonalData(t *testing.T) {
	t.Parallel()
	var logs testkit.SyncBuffer
	s := newStack(t, stackOpts{logs: &logs, rateLimit: 1000,
		schedule: []time.Duration{20 * time.Millisecond, 20 * time.Millisecond, 20 * time.Millisecond, 20 * time.Millisecond}})
	testkit.LoadGraph(t, s.pool, testkit.FixtureGraph)
	rcv := testkit.NewReceiver(t)
	rcv.Respond = func(n int, _ http.ResponseWriter) int {
		if n%2 == 1 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	}
	secrets := []string{s.key.Key, s.key.SigningSecret, "ork_not_a_real_key_123", "Jane.Doe@Gmail.com",
		"jane.doe@gmail.com", "jane.doe@acmelogistics.com", "+14155550123", "14155550123", "bad-email@",
		"janedoe", "Jane Doe"}
	bodies := []struct {
		path string
		body map[string]any
	}{
		{"/v1/email-to-hem", map[string]any{"email": "Jane.Doe@Gmail.com"}},
		{"/v1/email-to-hem", map[string]any{"email": "bad-email@"}},
		{"/v1/enrichment", map[string]any{"email": "jane.doe@gmail.com", "fullName": "Jane Doe"}},
		{"/v1/linkedin-to-phone", map[string]any{"linkedinUrl": "https://www.linkedin.com/in/janedoe"}},
		{"/v1/deanonymization", map[string]any{"ip": "64.207.100.23"}},
	}
	accepted := 0
	for _, b := range bodies {
		b.body["callbackUrl"] = rcv.URL + "/cb?token=" + s.key.SigningSecret
		if r := s.post(b.path, b.body, nil); r.Status == http.StatusAccepted {
			accepted++
		}
	}
	s.post("/v1/email-to-hem", map[string]any{"email": "jane.doe@gmail.com", "callbackUrl": rcv.URL},
		map[string]string{"x-api-key": "ork_not_a_real_key_123"})
	require.Equal(t, 4, accepted)
	require.Eventually(t, func() bool {
		return s.count(`SELECT count(*) FROM resolutions WHERE callback_status <> 'pending'`) == accepted
	}, 15*time.Second, 50*time.Millisecond)
	require.Greater(t, len(rcv.Deliveries()), accepted, "some deliveries failed and were retried")

	out := logs.String()
	require.Contains(t, out, "callback delivered", "the logs were captured")
	require.Contains(t, out, "resolution_id")
	for _, secret := range secrets {
		require.NotContains(t, strings.ToLower(out), strings.ToLower(secret), "found %q in the logs", secret)
	}
}
