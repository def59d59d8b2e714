package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/openresolve/openresolve/internal/apikey"
	"github.com/openresolve/openresolve/internal/callback"
	"github.com/openresolve/openresolve/internal/store"
)

var keysCreate = &command{
	name:     "keys create",
	synopsis: "--name NAME [--quota N] [--json]",
	summary:  "make an API key; its value and signing secret are shown once",
	detail: "Makes an API key and its callback signing secret. Only a hash of the key is stored, so both\n" +
		"are shown this once. With --quota N the key may use N a UTC month (see keys quota). With\n" +
		"--json it prints one object: {\"id\", \"name\", \"key\", \"signingSecret\"}.",
	run: func(s *session, ctx context.Context, args []string) error {
		fs := s.flags()
		name := fs.String("name", "", "a name to tell the key apart (required)")
		quotaS := fs.String("quota", "none", "a monthly quota (default: none)")
		asJSON := fs.Bool("json", false, "print one JSON object")
		if err := fs.Parse(args); err != nil {
			return err
		}
		if strings.TrimSpace(*name) == "" {
			return errors.New("keys create: --name is required")
		}
		quota, err := parseQuota(*quotaS)
		if err != nil {
			return err
		}
		pool, err := s.db(ctx)
		if err != nil {
			return err
		}
		k, err := apikey.CreateWithQuota(ctx, pool, strings.TrimSpace(*name), quota)
		if err != nil {
			return err
		}
		if *asJSON {
			return json.NewEncoder(s.env.Stdout).Encode(k)
		}
		fmt.Fprintf(s.env.Stdout, "id:             %s\nname:           %s\nkey:            %s\nsigning secret: %s\n\n"+
			"The key and the signing secret are shown only now: store them.\n", k.ID, k.Name, k.Key, k.SigningSecret)
		return nil
	},
}

var keysList = &command{
	name:    "keys list",
	summary: "list keys: id, prefix, name, quota, created, last used, revoked",
	detail: "Lists every key with the first characters of its value, its monthly quota, when it was made,\n" +
		"when it was last used (to the minute) and when it was revoked.",
	run: func(s *session, ctx context.Context, args []string) error {
		pool, err := s.dbNoFlags(ctx, args)
		if err != nil {
			return err
		}
		keys, err := store.New().APIKeyList(ctx, pool)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(s.env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tPREFIX\tNAME\tQUOTA\tCREATED\tLAST USED\tREVOKED")
		for _, k := range keys {
			quota := "-"
			if k.Quota != nil {
				quota = strconv.FormatInt(*k.Quota, 10)
			}
			fmt.Fprintf(tw, "%s\t%s…\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.KeyPrefix, k.Name, quota,
				k.CreatedAt.UTC().Format(time.RFC3339), orDash(k.LastUsedAt), orDash(k.RevokedAt))
		}
		return tw.Flush()
	},
}

func orDash(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

var keysRevoke = &command{
	name:     "keys revoke",
	synopsis: "ID",
	summary:  "revoke a key at once",
	detail: "Revokes a key: every API process refuses it within milliseconds (the key caches listen for\n" +
		"changes). Resolutions already accepted still get their callbacks.",
	run: func(s *session, ctx context.Context, args []string) error {
		fs := s.flags()
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() != 1 {
			return errors.New("usage: openresolve keys revoke ID")
		}
		pool, err := s.db(ctx)
		if err != nil {
			return err
		}
		n, err := store.New().APIKeyRevoke(ctx, pool, fs.Arg(0))
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("no active key with id %s", fs.Arg(0))
		}
		fmt.Fprintf(s.env.Stdout, "revoked %s\n", fs.Arg(0))
		return nil
	},
}

var keysRotateSecret = &command{
	name:     "keys rotate-secret",
	synopsis: "ID [--overlap 24h] [--json]",
	summary:  "give a key a new signing secret",
	detail: "Gives a key a new signing secret. Until the overlap ends, callbacks carry two signatures, one\n" +
		"with the old and one with the new secret, so receivers can switch when they are ready.",
	run: func(s *session, ctx context.Context, args []string) error {
		fs := s.flags()
		overlap := fs.Duration("overlap", 24*time.Hour, "how long the old secret keeps signing too")
		asJSON := fs.Bool("json", false, "print one JSON object")
		pos, err := parseInterspersed(fs, args)
		if err != nil {
			return err
		}
		if len(pos) != 1 || *overlap < 0 {
			return errors.New("usage: openresolve keys rotate-secret ID [--overlap 24h] [--json]")
		}
		pool, err := s.db(ctx)
		if err != nil {
			return err
		}
		secret := callback.NewSecret()
		n, err := store.New().APIKeyRotateSecret(ctx, pool, store.APIKeyRotateSecretParams{
			ID: pos[0], SigningSecret: secret, OverlapSeconds: overlap.Seconds(),
		})
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("no active key with id %s", pos[0])
		}
		if *asJSON {
			return json.NewEncoder(s.env.Stdout).Encode(map[string]string{"id": pos[0], "signingSecret": secret})
		}
		fmt.Fprintf(s.env.Stdout, "signing secret: %s\n\nShown only now. Callbacks carry signatures with the old and the new secret for %s.\n", secret, *overlap)
		return nil
	},
}
