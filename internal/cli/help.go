package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// commandHelp documents one command: its synopsis and what it does.
type commandHelp struct {
	name     string // as typed: "keys create"
	synopsis string // arguments after the name
	summary  string // one line for the overview
	detail   string // paragraphs for --help
}

var commandHelps = []commandHelp{
	{"migrate up", "", "apply River's and OpenResolve's migrations",
		"Applies River's migrations, then OpenResolve's (embedded goose migrations). The API and the\nworkers refuse to start until this has run."},
	{"migrate status", "", "list both sets of migrations and whether each is applied", ""},
	{"keys create", "--name NAME [--json]", "make an API key; its value and signing secret are shown once",
		"Makes an API key and its callback signing secret. Only a hash of the key is stored, so both\nare shown this once. With --json it prints one object: {\"id\", \"name\", \"key\", \"signingSecret\"}."},
	{"keys list", "", "list keys: id, prefix, name, created, last used, revoked",
		"Lists every key with the first characters of its value, when it was made, when it was last\nused (to the minute) and when it was revoked."},
	{"keys revoke", "ID", "revoke a key at once",
		"Revokes a key: every API process refuses it within milliseconds (the key caches listen for\nchanges). Resolutions already accepted still get their callbacks."},
	{"keys rotate-secret", "ID [--overlap 24h] [--json]", "give a key a new signing secret",
		"Gives a key a new signing secret. Until the overlap ends, callbacks carry two signatures, one\nwith the old and one with the new secret, so receivers can switch when they are ready."},
	{"import", "KIND FILE [--json]", "load graph rows from CSV or JSON Lines (upserts)",
		"Loads companies, people, emails, phones, networks or ip_observations from a CSV file (with a\nheader row) or JSON Lines (.jsonl), chosen by the extension, upserting on the natural key.\nRejected rows are reported with their line and reason and never stop the rest of the file.\nWith --json the last line is {\"inserted\", \"updated\", \"rejected\"}."},
	{"seed demo", "[--companies N] [--people N] [--seed S] [--if-empty]", "build a deterministic demo graph", ""},
	{"callbacks replay", "ID... | --status failed|delivered --since 1h [--limit N]", "deliver finished resolutions' callbacks again",
		"Queues a new delivery of each named resolution's callback, or of every callback that\nreached --status within --since (the time of its last attempt, or of its delivery). The retry\nschedule starts again from the beginning."},
	{"healthcheck", "URL [--timeout 3s]", "exit 0 when URL answers 2xx (for container health checks)",
		"Asks URL (such as http://127.0.0.1:8080/readyz) and exits 0 on a 2xx answer, 1 otherwise:\nthe image has no curl, so compose.yaml's health checks use this."},
	{"listen", "[--addr 127.0.0.1:9000] [--secret whsec_...]", "a development receiver that prints each callback",
		"Runs a callback receiver that prints every callback it gets and whether its signature\nverifies, with --secret or with the secret the database holds for the resolution's key."},
}

func findHelp(name string) (commandHelp, bool) {
	for _, h := range commandHelps {
		if h.name == name {
			return h, true
		}
	}
	return commandHelp{}, false
}

// printOverview writes the list of commands, or only those under prefix ("keys").
func printOverview(w io.Writer, prefix string) {
	fmt.Fprint(w, "usage: openresolve <command> [arguments]\n\ncommands:\n")
	for _, h := range commandHelps {
		if prefix != "" && !strings.HasPrefix(h.name, prefix+" ") && h.name != prefix {
			continue
		}
		line := h.name
		if h.synopsis != "" {
			line += " " + h.synopsis
		}
		if len(line) <= 30 {
			fmt.Fprintf(w, "  %-30s %s\n", line, h.summary)
		} else {
			fmt.Fprintf(w, "  %s\n  %-30s %s\n", line, "", h.summary)
		}
	}
	fmt.Fprint(w, "\n`openresolve <command> --help` explains one. Configuration comes from the environment\n(DATABASE_URL, ...); see README.md.\n")
}

// setUsage makes fs print the command's help on -h or --help, to out.
func setUsage(fs *flag.FlagSet, name string, out io.Writer) {
	h, _ := findHelp(name)
	fs.Usage = func() {
		fmt.Fprintf(out, "usage: openresolve %s %s\n", name, h.synopsis)
		if h.detail != "" {
			fmt.Fprintf(out, "\n%s\n", h.detail)
		} else {
			fmt.Fprintf(out, "\n%s.\n", strings.ToUpper(h.summary[:1])+h.summary[1:])
		}
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprint(out, "\nflags:\n")
			prev := fs.Output()
			fs.SetOutput(out)
			fs.PrintDefaults()
			fs.SetOutput(prev)
		}
	}
}
