package harness

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// PgBouncer is a real PgBouncer (Debian's package) in transaction mode in front of a
// cluster, as users run it: server connections change hands at every transaction, so nothing
// that outlives one (a LISTEN, a named prepared statement) survives.
type PgBouncer struct {
	Port int
	cmd  *exec.Cmd
	dir  string
}

// PgBouncerBinary finds pgbouncer; scripts/devdb.sh installs it.
func PgBouncerBinary() (string, error) {
	for _, p := range []string{"/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	if p, err := exec.LookPath("pgbouncer"); err == nil {
		return p, nil
	}
	return "", errors.New("pgbouncer is not installed (scripts/devdb.sh installs it as root; or apt-get install pgbouncer)")
}

// StartPgBouncer starts PgBouncer in workDir/pgbouncer, in transaction mode, in front of c.
func StartPgBouncer(ctx context.Context, workDir string, c *Cluster) (*PgBouncer, error) {
	bin, err := PgBouncerBinary()
	if err != nil {
		return nil, err
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	b := &PgBouncer{Port: port, dir: filepath.Join(workDir, "pgbouncer")}
	if err := os.MkdirAll(b.dir, 0o755); err != nil {
		return nil, err
	}
	ini := fmt.Sprintf(`[databases]
* = host=127.0.0.1 port=%d
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir =
auth_type = trust
auth_file = %s
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 40
ignore_startup_parameters = extra_float_digits
logfile = %s
pidfile = %s
`, c.port, port, filepath.Join(b.dir, "userlist.txt"), filepath.Join(b.dir, "pgbouncer.log"), filepath.Join(b.dir, "pgbouncer.pid"))
	for name, content := range map[string]string{"pgbouncer.ini": ini, "userlist.txt": `"postgres" ""` + "\n"} {
		if err := os.WriteFile(filepath.Join(b.dir, name), []byte(content), 0o644); err != nil {
			return nil, err
		}
	}
	if err := c.own(workDir, b.dir); err != nil {
		return nil, err
	}
	args := []string{filepath.Join(b.dir, "pgbouncer.ini")}
	if c.uid != nil { // PgBouncer refuses to run as root
		b.cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", bin}, args...)...)
	} else {
		b.cmd = exec.Command(bin, args...)
	}
	b.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := b.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { _ = b.cmd.Wait() }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second)
		if err == nil {
			conn.Close()
			return b, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			log, _ := os.ReadFile(filepath.Join(b.dir, "pgbouncer.log"))
			b.Close()
			return nil, fmt.Errorf("pgbouncer did not start: %v: %s", err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// URL is the connection string of database db through PgBouncer.
func (b *PgBouncer) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", b.Port, db)
}

// PID is the process that runs PgBouncer (with runuser, its parent: count its tree).
func (b *PgBouncer) PID() int { return b.cmd.Process.Pid }

// Close stops PgBouncer.
func (b *PgBouncer) Close() {
	if b.cmd != nil && b.cmd.Process != nil {
		_ = syscall.Kill(-b.cmd.Process.Pid, syscall.SIGTERM)
	}
}

// NewStandby makes a hot standby of c in workDir/standby with pg_basebackup -R (streaming
// replication from c) and starts it on a free port.
func (c *Cluster) NewStandby(ctx context.Context, workDir string) (*Cluster, error) {
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	s := &Cluster{bin: c.bin, dir: filepath.Join(workDir, "standby"), port: port, log: filepath.Join(workDir, "standby.log"), uid: c.uid}
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return nil, err
	}
	if err := s.own(workDir, s.dir); err != nil {
		return nil, err
	}
	if out, err := s.run(ctx, "pg_basebackup", "-h", "127.0.0.1", "-p", strconv.Itoa(c.port), "-U", "postgres",
		"-D", s.dir, "-R", "-X", "stream", "-c", "fast"); err != nil {
		return nil, fmt.Errorf("pg_basebackup: %v: %s", err, out)
	}
	f, err := os.OpenFile(filepath.Join(s.dir, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return nil, err
	}
	_, err = fmt.Fprintf(f, "port = %d\nhot_standby = on\n", port)
	f.Close()
	if err != nil {
		return nil, err
	}
	return s, s.Start(ctx)
}
