package e2e

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/testkit"
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
	if os.Getenv("CI") != "" {
		t.Fatal(msg) // in CI the browser test must run, not vanish
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

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser),
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
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

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
		chromedp.Navigate(s.apiSrv.URL+"/riverui/jobs?state=completed"),
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
