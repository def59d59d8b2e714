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
	"github.com/openresolve/openresolve/webhook"
)

// listen runs a development callback receiver: it prints every callback and whether its
// signature verifies, with the secret given or, failing that, the one the database holds for
// the resolution's API key.
func (c *command) listen(ctx context.Context, args []string) error {
	fs := c.flags("listen")
	addr := fs.String("addr", "127.0.0.1:9000", "address to listen on")
	secret := fs.String("secret", "", "signing secret to verify with (default: looked up in the database)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var pool *pgxpool.Pool
	if *secret == "" {
		if p, err := c.connect(ctx); err == nil {
			pool = p
			defer pool.Close()
		} else {
			fmt.Fprintln(c.env.Stderr, "listen: no database, so signatures cannot be checked:", err)
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.env.Stdout, "listening for callbacks on http://%s/\n", ln.Addr())
	var mu sync.Mutex
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		id := r.Header.Get("webhook-id")
		ts, _ := strconv.ParseInt(r.Header.Get("webhook-timestamp"), 10, 64)
		verdict := "signature NOT checked (no secret)"
		key := *secret
		if key == "" && pool != nil {
			_ = pool.QueryRow(r.Context(), `SELECT k.signing_secret FROM resolutions r
				JOIN api_keys k ON k.id = r.api_key_id WHERE r.id = $1`, id).Scan(&key)
		}
		if key != "" {
			if webhook.ValidSignature(key, id, ts, body, r.Header.Get("webhook-signature")) {
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
		fmt.Fprintf(c.env.Stdout, "%s  POST %s  webhook-id=%s  %s\n  %s\n",
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
}
