// Package privacy erases people and keeps them erased (CONTRACT.md section 9): the
// suppression list holds identifiers only as the SHA-256 of their normalized form, forget
// removes a person and every row about them, and what an erasure did is recorded without the
// identifier. Retention of resolutions is resolution.Purge.
package privacy

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/openresolve/openresolve/internal/normalize"
	"github.com/openresolve/openresolve/internal/store"
)

// The kinds of identifier a person is forgotten or suppressed by.
const (
	Email    = "email"
	LinkedIn = "linkedin"
	Phone    = "phone"
	Person   = "person"
)

// Hash is how an identifier is kept on the suppression list: the SHA-256 of its normalized
// form. An email's is its sha256 HEM.
func Hash(normalized string) []byte {
	h := sha256.Sum256([]byte(normalized))
	return h[:]
}

// Normalize returns the normalized form of an identifier of kind, as the graph and stored
// requests hold it. defaultCountry applies to a phone number written without +.
func Normalize(kind, value, defaultCountry string) (string, error) {
	value = strings.TrimSpace(value)
	switch kind {
	case Email:
		e, err := normalize.Email(value)
		if err != nil {
			return "", errors.New("not a valid email address")
		}
		return e, nil
	case LinkedIn:
		u, _, err := normalize.LinkedIn(value)
		if err != nil {
			return "", errors.New("not a LinkedIn URL")
		}
		return u, nil
	case Phone:
		p, _, err := normalize.Phone(value, defaultCountry)
		if err != nil {
			return "", errors.New("not a valid phone number")
		}
		return p, nil
	case Person:
		if value == "" || len(value) > 200 {
			return "", errors.New("a person id has 1 to 200 characters")
		}
		return value, nil
	}
	return "", fmt.Errorf("unknown kind of identifier %q", kind)
}

// ReplicaWait is how long Forget waits for streaming replicas to replay an erasure. A replica
// this database role cannot see the position of (grant it pg_monitor) counts as not caught up.
const ReplicaWait = 30 * time.Second

// Erasure counts what Forget did.
type Erasure struct {
	People              int64 `json:"people"`
	Emails              int64 `json:"emails"`
	Phones              int64 `json:"phones"`
	Observations        int64 `json:"observations"`
	ResolutionsRedacted int64 `json:"resolutionsRedacted"`
	Suppressed          int64 `json:"suppressed"`
}

// Forget erases every person a normalized identifier of kind names (see Normalize): their
// person rows, emails, phones and IP observations go; their identifiers, and the one given,
// join the suppression list; stored resolutions whose request or result holds any of them are
// redacted; the erasure is recorded with its counts only. Forgetting again finds nothing.
//
// A resolve job that read the graph before the erasure cannot store what it read: the
// erasure moves the epoch its finish is checked against (resolution.ErrErased), and moves it
// again once every streaming replica has replayed the erasure (resolvers may read a replica,
// GRAPH_DATABASE_URL), waiting up to ReplicaWait; the barrier then waits for the finishes in
// flight, so that a second look sees their results (finish).
//
// The first transaction records what the rest has to do (erasure_work); a Forget that fails
// after it is finished by the next one, which first finishes every erasure left so.
func Forget(ctx context.Context, pool *pgxpool.Pool, kind, value string) (Erasure, error) {
	q := store.New()
	left, err := q.ErasureWorkList(ctx, pool)
	if err != nil {
		return Erasure{}, err
	}
	for _, w := range left {
		if _, err := finish(ctx, pool, w.ErasureID, w.Needles, w.Processing); err != nil {
			return Erasure{}, fmt.Errorf("finish the erasure %d left unfinished: %w", w.ErasureID, err)
		}
	}
	e, w, err := erase(ctx, pool, kind, value)
	if err != nil {
		return Erasure{}, err
	}
	more, err := finish(ctx, pool, w.ErasureID, w.Needles, w.Processing)
	e.ResolutionsRedacted += more
	return e, err
}

// erase is an erasure's first transaction: it finds the people, suppresses and deletes them,
// redacts the stored resolutions that mention them, and records the erasure with what is left
// to do.
func erase(ctx context.Context, pool *pgxpool.Pool, kind, value string) (Erasure, store.ErasureWorkAddParams, error) {
	q := store.New()
	var (
		e Erasure
		w store.ErasureWorkAddParams
	)
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		find := store.ForgetPeopleParams{}
		switch kind {
		case Email:
			find.Email = value
		case LinkedIn:
			find.LinkedInURL = value
		case Phone:
			find.Phone = value
		case Person:
			find.PersonID = value
		default:
			return fmt.Errorf("unknown kind of identifier %q", kind)
		}
		people, err := q.ForgetPeople(ctx, tx, find)
		if err != nil {
			return err
		}
		ids, err := q.ForgetIdentifiers(ctx, tx, people)
		if err != nil {
			return err
		}
		hashes, kinds := [][]byte{Hash(value)}, []string{kind}
		w.Needles = []string{quoted(value)}
		for _, i := range ids {
			hashes, kinds = append(hashes, Hash(i.Value)), append(kinds, i.Kind)
			w.Needles = append(w.Needles, quoted(i.Value))
			if i.Kind == Email { // the forms a HEM answer or request holds it in
				h := normalize.HashEmail(i.Value)
				w.Needles = append(w.Needles, quoted(h.MD5), quoted(h.SHA1), quoted(h.SHA256))
			}
		}
		if e.Suppressed, err = q.SuppressionAddMany(ctx, tx, store.SuppressionAddManyParams{
			Hashes: hashes, Kinds: kinds, Source: "forget"}); err != nil {
			return err
		}
		d, err := q.ForgetDelete(ctx, tx, people)
		if err != nil {
			return err
		}
		e.People, e.Emails, e.Phones, e.Observations = d.People, d.Emails, d.Phones, d.Observations
		redacted, err := q.ResolutionRedact(ctx, store.CustomPlans{DB: tx}, store.ResolutionRedactParams{Needles: w.Needles})
		if err != nil {
			return err
		}
		e.ResolutionsRedacted = int64(len(redacted))
		if _, err = q.BatchRedact(ctx, store.CustomPlans{DB: tx}, store.BatchRedactParams{Needles: w.Needles}); err != nil {
			return err
		}
		if w.Processing, err = q.ResolutionListProcessing(ctx, tx); err != nil {
			return err
		}
		if w.ErasureID, err = q.ErasureRecord(ctx, tx, store.ErasureRecordParams{Kind: kind, People: int32(e.People),
			Emails: int32(e.Emails), Phones: int32(e.Phones), Observations: int32(e.Observations),
			ResolutionsRedacted: int32(e.ResolutionsRedacted), Suppressed: int32(e.Suppressed)}); err != nil {
			return err
		}
		if err := q.ErasureWorkAdd(ctx, tx, w); err != nil {
			return err
		}
		return q.ErasureEpochBump(ctx, tx)
	})
	return e, w, err
}

// finish is the rest of erasure id, after its first commit: it waits for the replicas, moves
// the epoch again, waits for the finishes in flight and redacts, among the resolutions that
// were processing at the erasure, those that mention any of needles; then it marks the
// erasure done, with how many more it redacted, which it returns. Doing it twice does no harm.
func finish(ctx context.Context, pool *pgxpool.Pool, id int64, needles, processing []string) (int64, error) {
	q := store.New()
	lsn, err := q.WALPosition(ctx, pool)
	if err != nil {
		return 0, err
	}
	// Once the replicas hold the erasure too, a resolver that reads one finds nobody: what was
	// read before is refused from here on.
	for deadline := time.Now().Add(ReplicaWait); ; {
		n, err := q.ReplicasBehind(ctx, pool, lsn)
		if err != nil {
			return 0, err
		}
		if n == 0 || time.Now().After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	if err := q.ErasureEpochBump(ctx, pool); err != nil {
		return 0, err
	}
	// Wait for the resolve jobs that finished while the erasure committed, then redact what
	// they stored: only what was still processing at the erasure can have changed since.
	if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return q.ErasureBarrier(ctx, tx) }); err != nil {
		return 0, err
	}
	var batches []*string
	if len(processing) > 0 { // nil would mean every resolution
		if batches, err = q.ResolutionRedact(ctx, store.CustomPlans{DB: pool},
			store.ResolutionRedactParams{IDs: processing, Needles: needles}); err != nil {
			return 0, err
		}
	}
	var batchIDs []string
	for _, b := range batches {
		if b != nil {
			batchIDs = append(batchIDs, *b)
		}
	}
	if len(batchIDs) > 0 {
		if _, err := q.BatchRedact(ctx, store.CustomPlans{DB: pool}, store.BatchRedactParams{IDs: batchIDs, Needles: needles}); err != nil {
			return 0, err
		}
	}
	more := int64(len(batches))
	return more, q.ErasureWorkDone(ctx, pool, store.ErasureWorkDoneParams{ErasureID: id, More: int32(more)})
}

// quoted is a value as the JSON of a stored request or result holds it: a string, quotes
// included, so that a short person id finds only itself.
func quoted(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}
