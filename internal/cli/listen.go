package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/openresolve/openresolve/internal/store"
	"github.com/openresolve/openresolve/webhook"
)

// listen runs a development callback receiver: it prints every callback and whether its
// signature verifies, with the secret given or, failing that, the one the database holds for
// the resolution's API key.
var listen = &command{
	name:     "listen",
	synopsis: "[--addr 127.0.0.1:9000] [--secret whsec_...]",
	summary:  "a development receiver that prints each callback",
	detail: "Runs a callback receiver that prints every callback it gets and whether its signature\n" +
		"verifies, with --secret or with the secret the database holds for the resolution's key.",
	run: func(s *session, ctx context.Context, args []string) error {
		fs := s.flags()
		addr := fs.String("addr", "127.0.0.1:9000", "address to listen on")
		secret := fs.String("secret", "", "signing secret to verify with (default: looked up in the database)")
		if err := fs.Parse(args); err != nil {
			return err
		}
		var pool *pgxpool.Pool
		if *secret == "" {
			if p, err := s.db(ctx); err == nil {
				pool = p
			} else {
				fmt.Fprintln(s.env.Stderr, "listen: no database, so signatures cannot be checked:", err)
			}
		}
		ln, err := net.Listen("tcp", *addr)
		if err != nil {
			return err
		}
		fmt.Fprintf(s.env.Stdout, "listening for callbacks on http://%s/\n", ln.Addr())
		var mu sync.Mutex
		srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
			id := r.Header.Get(webhook.HeaderID)
			ts, _ := strconv.ParseInt(r.Header.Get(webhook.HeaderTimestamp), 10, 64)
			verdict := "signature NOT checked (no secret)"
			key := *secret
			if key == "" && pool != nil {
				key, _ = store.New().APIKeySecretForResolution(r.Context(), pool, id)
			}
			if key != "" {
				if webhook.ValidSignature(key, id, ts, body, r.Header.Get(webhook.HeaderSignature)) {
					verdict = "signature verified"
				} else {
					verdict = "signature INVALID"
				}
			}
			var pretty bytes.Buffer
			if json.Indent(&pretty, body, "  ", "  ") != nil {
				pretty.Reset()
				pretty.Write(body)
			}
			mu.Lock()
			fmt.Fprintf(s.env.Stdout, "%s  POST %s  webhook-id=%s  %s\n  %s\n",
				time.Now().Format("15:04:05.000"), r.URL.Path, id, verdict, pretty.String())
			mu.Unlock()
			w.WriteHeader(http.StatusNoContent)
		})}
		go func() {
			<-ctx.Done()
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			_ = srv.Shutdown(sctx)
		}()
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	},
}
