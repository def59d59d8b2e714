package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/openresolve/openresolve/internal/tools/harness"
	"github.com/openresolve/openresolve/internal/tools/toolsdb"
)

// Cost is what resolutions cost: CPU of each process, and the statements and commits
// Postgres ran, over a window that begins at rest and ends once every resolution accepted in
// it has been delivered, divided by those resolutions.
type Cost struct {
	Resolutions int
	// CPU per resolution by process: postgres (every process of the cluster, backends that
	// exited included), api, worker-N, and bench (the load generator and the receiver).
	CPU        map[string]time.Duration
	Statements float64 // per resolution, from pg_stat_statements
	Commits    float64 // per resolution, from pg_stat_database
	Top        []Statement
}

// total is the CPU of every process per resolution.
func (c Cost) total() (sum time.Duration) {
	for _, d := range c.CPU {
		sum += d
	}
	return sum
}

// Statement is one of the statements that took most of Postgres's time in the window.
type Statement struct {
	Name         string
	Calls        int64
	PerRes       float64       // calls per resolution
	Mean, Total  time.Duration // execution time
	SharePercent float64       // of all statements' execution time
}

// meter reads the counters a Cost is the difference of.
type meter struct {
	cluster *harness.Cluster
	conn    *pgx.Conn
	procs   []*harness.Proc
	extra   map[string]int // other processes, by name: their pid, whose whole tree is counted
	own     int            // statements the meter itself ran since the last reset
}

func newMeter(ctx context.Context, cluster *harness.Cluster, url string, procs []*harness.Proc) (*meter, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, err
	}
	return &meter{cluster: cluster, conn: conn, procs: procs}, nil
}

func (m *meter) close(ctx context.Context) { _ = m.conn.Close(ctx) }

// reading is the counters at one moment.
type reading struct {
	cpu     map[string]time.Duration
	commits int64
}

// start resets pg_stat_statements and reads the counters.
func (m *meter) start(ctx context.Context) (reading, error) {
	if err := toolsdb.New().BenchStatementsReset(ctx, m.conn); err != nil {
		return reading{}, err
	}
	m.own = 1
	return m.read(ctx)
}

func (m *meter) read(ctx context.Context) (reading, error) {
	r := reading{cpu: map[string]time.Duration{}}
	m.own++
	var err error
	if r.commits, err = toolsdb.New().BenchCommits(ctx, m.conn); err != nil {
		return r, err
	}
	pm, err := m.cluster.PostmasterPID()
	if err != nil {
		return r, err
	}
	if r.cpu["postgres"], err = treeCPU(pm); err != nil {
		return r, err
	}
	for name, pid := range m.extra {
		if r.cpu[name], err = treeCPU(pid); err != nil {
			return r, err
		}
	}
	for _, p := range m.procs {
		self, _, err := procCPU(p.PID())
		if err != nil {
			return r, err
		}
		r.cpu[p.Name] = self
	}
	r.cpu["bench"], _, err = procCPU(os.Getpid())
	return r, err
}

// cost is the Cost of resolutions between from and now.
func (m *meter) cost(ctx context.Context, from reading, resolutions int) (Cost, error) {
	to, err := m.read(ctx)
	if err != nil {
		return Cost{}, err
	}
	c := Cost{Resolutions: resolutions, CPU: map[string]time.Duration{}}
	if resolutions == 0 {
		return c, nil
	}
	for k, v := range to.cpu {
		c.CPU[k] = (v - from.cpu[k]) / time.Duration(resolutions)
	}
	stats, err := toolsdb.New().BenchStatements(ctx, m.conn)
	if err != nil {
		return c, err
	}
	byName := map[string]*Statement{}
	var calls int64
	var total time.Duration
	for _, st := range stats {
		n := st.Calls
		name, t := statementName(st.Query), time.Duration(st.TotalExecTime*float64(time.Millisecond))
		if byName[name] == nil {
			byName[name] = &Statement{Name: name}
		}
		byName[name].Calls += n
		byName[name].Total += t
		calls += n
		total += t
	}
	var all []Statement
	for _, s := range byName {
		all = append(all, *s)
	}
	c.Statements = float64(calls) / float64(resolutions)
	c.Commits = float64(to.commits-from.commits-int64(m.own)) / float64(resolutions)
	sort.Slice(all, func(i, j int) bool { return all[i].Total > all[j].Total })
	for _, s := range all[:min(len(all), 10)] {
		s.PerRes = float64(s.Calls) / float64(resolutions)
		s.Mean = s.Total / time.Duration(max(s.Calls, 1))
		s.SharePercent = pctOf(float64(s.Total), float64(total))
		c.Top = append(c.Top, s)
	}
	return c, nil
}

// statementName is what a statement is known by: sqlc's and River's name comment, or its
// first words.
func statementName(q string) string {
	q = strings.TrimSpace(q)
	if rest, ok := strings.CutPrefix(q, "-- name: "); ok {
		return strings.Fields(rest)[0]
	}
	q = strings.Join(strings.Fields(q), " ")
	if len(q) > 48 {
		q = q[:48] + "…"
	}
	return q
}

// procCPU reads the CPU time (user and system) a process used itself and that of its
// children that have exited, from /proc/PID/stat.
func procCPU(pid int) (self, children time.Duration, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, err
	}
	// The fields after the command, which may hold spaces, in parentheses: utime, stime,
	// cutime and cstime are the 12th to 15th of them, in clock ticks of 10 ms (USER_HZ).
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	tick := func(i int) time.Duration {
		n, _ := strconv.ParseInt(f[i], 10, 64)
		return time.Duration(n) * 10 * time.Millisecond
	}
	return tick(11) + tick(12), tick(13) + tick(14), nil
}

// treeCPU is the CPU time of a process and of all its children, living and exited: what a
// Postgres cluster used, with pid its postmaster.
func treeCPU(pid int) (time.Duration, error) {
	self, exited, err := procCPU(pid)
	if err != nil {
		return 0, err
	}
	total := self + exited
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, st := range stats {
		b, err := os.ReadFile(st)
		if err != nil {
			continue // it has just exited
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
		if ppid, _ := strconv.Atoi(f[1]); ppid != pid {
			continue
		}
		child, _ := strconv.Atoi(filepath.Base(filepath.Dir(st)))
		if c, _, err := procCPU(child); err == nil {
			total += c
		}
	}
	return total, nil
}

// limit is the composed limit of a resolution from the yardsticks: an HTTP exchange each way
// (the ceiling serves both), two River jobs and a durable insert.
func limit(ceiling, river, inserts float64) float64 {
	if ceiling == 0 || river == 0 || inserts == 0 {
		return 0
	}
	return 1 / (1/ceiling + 2/river + 1/inserts)
}

// printCost writes a Cost as two tables: CPU and statements per resolution, then the
// statements that took most of Postgres's time.
func printCost(w io.Writer, c Cost) {
	var names []string
	for k := range c.CPU {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool { return costOrder(names[i]) < costOrder(names[j]) })
	var cpu []string
	for _, k := range names {
		cpu = append(cpu, fmt.Sprintf("%s %s", k, us(c.CPU[k])))
	}
	fmt.Fprintf(w, "CPU per resolution: %s (all %s)\n", strings.Join(cpu, ", "), us(c.total()))
	fmt.Fprintf(w, "per resolution: %.2f statements, %.2f commits (%d resolutions)\n", c.Statements, c.Commits, c.Resolutions)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "statement\tcalls\tper resolution\tmean\ttotal\tshare\t")
	for _, s := range c.Top {
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%s\t%.1f s\t%.0f%%\t\n", s.Name, s.Calls, s.PerRes, us(s.Mean), s.Total.Seconds(), s.SharePercent)
	}
	_ = tw.Flush()
}

func costOrder(name string) string {
	switch {
	case name == "postgres":
		return "0"
	case name == "api":
		return "1"
	case strings.HasPrefix(name, "worker"):
		return "2" + name
	}
	return "3" + name
}

func us(d time.Duration) string { return fmt.Sprintf("%.0f µs", float64(d.Nanoseconds())/1000) }
