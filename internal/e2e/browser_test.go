package e2e

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/tools/testkit"
)

// chromium returns the browser to drive, or skips the test when the machine has none
// (`make test` installs Debian's chromium when it runs as root).
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	msg := "no chromium on this machine: install Debian's chromium package (make test does when run as root)"
	if os.Getenv("CI") != "" && os.Geteuid() == 0 {
		t.Fatal(msg) // in CI as root, make test installs it: the browser tests must run, not vanish
	}
	t.Skip(msg)
	return ""
}

// TestRiverUIInBrowser opens River UI in a real headless Chromium, answers the basic-auth
// challenge with the operator's credentials, and waits until the job list shows the resolve
// and callback jobs the stack just worked. With SCREENSHOT=path it saves what it saw there
// (the README's picture comes from `make screenshot`).
func TestRiverUIInBrowser(t *testing.T) {
	t.Parallel()
	browser := chromium(t)
	s := newStack(t, stackOpts{riverUI: [2]string{"operator", "s3cret"}})
	rcv := testkit.NewReceiver(t)
	for range 3 {
		id := s.accept(rcv.URL, nil)
		s.waitCallbackState(id, "delivered", 10*time.Second)
	}
	require.Eventually(t, func() bool {
		return s.count(`SELECT count(*) FROM river_job WHERE state = 'completed' AND kind IN ('resolve', 'callback')`) == 6
	}, 5*time.Second, 10*time.Millisecond)

	ctx := newBrowser(t, browser)

	// Log in the way a person does: the browser meets the 401 challenge and sends the
	// credentials; count the challenges to be sure it was asked. Commands may not run inside
	// the listener, so each answer goes out from a goroutine of its own.
	challenges := make(chan struct{}, 64)
	require.NoError(t, chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *fetch.EventAuthRequired:
			challenges <- struct{}{}
			go func() {
				_, _ = chromedp.Call(ctx, fetch.ContinueWithAuth, fetch.ContinueWithAuthParams{
					RequestID: ev.RequestID,
					AuthChallengeResponse: &fetch.AuthChallengeResponse{
						Response: fetch.AuthChallengeResponseResponseProvideCredentials,
						Username: "operator", Password: "s3cret",
					},
				})
			}()
		case *fetch.EventRequestPaused:
			go func() {
				_, _ = chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
			}()
		}
	}))
	handleAuth := true
	_, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{HandleAuthRequests: &handleAuth})
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(s.apiURL+"/riverui/jobs?state=completed"),
		chromedp.WaitVisible("body"),
	))
	_, err = chromedp.Run(ctx, chromedp.Poll[bool](
		`document.body.innerText.includes("callback") && document.body.innerText.includes("resolve")`,
		chromedp.WithPollingTimeout(30*time.Second)))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx, chromedp.Sleep(500*time.Millisecond))) // let the list finish painting
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	require.NoError(t, err)
	require.NotEmpty(t, challenges, "the browser was never asked for credentials")
	require.Contains(t, text, "Jobs")
	require.GreaterOrEqual(t, strings.Count(text, "resolve"), 3, "page text: %s", text)
	require.GreaterOrEqual(t, strings.Count(text, "callback"), 3, "page text: %s", text)

	if path := os.Getenv("SCREENSHOT"); path != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, png, 0o644))
	}
}

// newBrowser starts a headless Chromium with the flags a closed network needs, closed when
// the test ends; its context gives up after a minute.
func newBrowser(t *testing.T, path string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1400, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelBrowser(); cancelAlloc() })
	return ctx
}

// TestDocsInBrowser renders /docs in headless Chromium: the reference page must draw the
// OpenAPI document with nothing but what this server serves (no CDN).
func TestDocsInBrowser(t *testing.T) {
	t.Parallel()
	browser := chromium(t)
	s := newStack(t, stackOpts{noWorker: true})
	ctx := newBrowser(t, browser)

	var mu sync.Mutex
	var fetched []string
	require.NoError(t, chromedp.Listen(ctx, func(ev any) {
		// What the page reports goes to the test log, to explain a failure.
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			t.Logf("page exception: %s", e.ExceptionDetails.Text)
		case *cdplog.EventEntryAdded:
			t.Logf("page log: %s %.300s", e.Entry.Level, e.Entry.Text)
		}
		if ev, ok := ev.(*fetch.EventRequestPaused); ok {
			mu.Lock()
			fetched = append(fetched, ev.Request.URL)
			mu.Unlock()
			go func() {
				_, _ = chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
			}()
		}
	}))
	_, _ = chromedp.Call(ctx, cdplog.Enable, cdp.Empty{})
	_, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{})
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(s.apiURL+"/docs")))
	_, err = chromedp.Run(ctx, chromedp.Poll[bool](
		`document.body.innerText.includes("Keyword to people") && document.body.innerText.includes("enrichmentResult")`,
		chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
		t.Fatalf("the reference page did not render the document: %v; page text: %.2000s", err, text)
	}

	mu.Lock()
	defer mu.Unlock()
	require.Contains(t, fetched, s.apiURL+"/openapi.json")
	for _, u := range fetched {
		if !strings.HasPrefix(u, s.apiURL+"/") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
			t.Errorf("the page fetched %s, which is not this server", u)
		}
	}
}
