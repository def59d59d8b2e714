package harness

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// Proc is one of the system's processes (an API or a worker) that the run kills and restarts.
type Proc struct {
	Name string
	bin  string
	env  []string
	log  *os.File

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

// NewProc prepares a process named name running bin with env added to ours; its output goes
// to logDir/name.log.
func NewProc(name, bin string, env []string, logDir string) (*Proc, error) {
	f, err := os.Create(filepath.Join(logDir, name+".log"))
	if err != nil {
		return nil, err
	}
	return &Proc{Name: name, bin: bin, env: env, log: f}, nil
}

// Start starts (or restarts) the process.
func (p *Proc) Start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	cmd := exec.Command(p.bin)
	cmd.Env = append(os.Environ(), p.env...)
	cmd.Stdout, cmd.Stderr = p.log, p.log
	// Should the harness itself die, its processes die with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", p.Name, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	p.cmd, p.done = cmd, done
	return nil
}

// Signal sends sig and waits up to wait for the process to end; a process still running
// then is killed.
func (p *Proc) Signal(sig syscall.Signal, wait time.Duration) {
	p.mu.Lock()
	cmd, done := p.cmd, p.done
	p.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(sig)
	select {
	case <-done:
	case <-time.After(wait):
		_ = cmd.Process.Kill()
		<-done
	}
}

// Close stops the process gracefully and closes its log.
func (p *Proc) Close() {
	p.Signal(syscall.SIGTERM, 30*time.Second)
	_ = p.log.Close()
}

// PID returns the process id of the running process, or 0.
func (p *Proc) PID() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil || p.cmd.Process == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// StartAll starts one process of each binary in names from binDir, with env, logging to
// logDir; close stops them all. When one fails to start, those started are stopped.
func StartAll(binDir, logDir string, env []string, names ...string) (procs []*Proc, close func(), err error) {
	close = func() {
		for _, p := range procs {
			p.Close()
		}
	}
	for _, name := range names {
		p, err := NewProc(name, filepath.Join(binDir, name), env, logDir)
		if err == nil {
			err = p.Start()
		}
		if err != nil {
			close()
			return nil, nil, err
		}
		procs = append(procs, p)
	}
	return procs, close, nil
}

// WaitReady waits up to timeout for the API at apiURL to answer /readyz with 200.
func WaitReady(ctx context.Context, apiURL string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, apiURL+"/readyz", nil)
		if err != nil {
			return err
		}
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("the API at %s did not become ready within %s", apiURL, timeout)
}
