// Package e2e holds OpenResolve's end-to-end tests: a real API and a real River worker on a
// real Postgres database of their own, with callbacks posted over real HTTP to a receiver.
package e2e
