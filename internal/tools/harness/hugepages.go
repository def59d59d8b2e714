package harness

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

const nrHugePages = "/proc/sys/vm/nr_hugepages"

// HugePages restarts the cluster with its shared memory in huge pages when the machine has
// enough of them free or, as root, can be given them: it raises vm.nr_hugepages by what the
// cluster lacks, as PostgreSQL's documentation says ("Linux Huge Pages": `postgres -C
// shared_memory_size_in_huge_pages`, then the sysctl), and Stop gives them back. Otherwise the
// cluster runs with huge_pages = off. With gigabytes of shared_buffers, a query that reads a
// thousand buffers spends much of its time in the processor's address translation when they
// are mapped 4 kB at a time (BENCHMARKS.md, "Huge pages"). It returns what it did, for the
// report.
func (c *Cluster) HugePages(ctx context.Context) (string, error) {
	if out, err := c.run(ctx, "pg_ctl", "-D", c.dir, "-m", "fast", "-w", "stop"); err != nil {
		return "", fmt.Errorf("pg_ctl stop: %v: %s", err, out)
	}
	status, err := c.reserveHugePages(ctx)
	if err != nil {
		return "", err
	}
	setting := "huge_pages = off\n"
	if strings.HasPrefix(status, "on") {
		setting = "huge_pages = on\n"
	}
	if err := appendConf(c.dir, setting); err != nil {
		return "", err
	}
	return status, c.Start(ctx)
}

// reserveHugePages makes sure the huge pages the stopped cluster needs are free, and says so
// with "on"; anything else it returns says why not.
func (c *Cluster) reserveHugePages(ctx context.Context) (string, error) {
	out, err := c.run(ctx, "postgres", "-D", c.dir, "-C", "shared_memory_size_in_huge_pages")
	if err != nil { // before PostgreSQL 15 the server cannot say
		return fmt.Sprintf("off: postgres -C shared_memory_size_in_huge_pages: %v: %s", err, strings.TrimSpace(string(out))), nil
	}
	need, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil || need <= 0 {
		return "off: this system has no huge pages", nil
	}
	info, err := meminfo()
	if err != nil {
		return "off: " + err.Error(), nil
	}
	size := info["Hugepagesize"] / 1024 // MB
	free := info["HugePages_Free"] - info["HugePages_Rsvd"]
	on := fmt.Sprintf("on: %d pages of %d MB", need, size)
	if free >= need {
		return on, nil
	}
	ask := fmt.Sprintf("off: %d huge pages needed, %d free (sysctl -w vm.nr_hugepages=%d)", need, free, info["HugePages_Total"]+need-free)
	if os.Geteuid() != 0 {
		return ask, nil
	}
	before, err := os.ReadFile(nrHugePages)
	if err != nil {
		return ask, nil
	}
	old, err := strconv.Atoi(strings.TrimSpace(string(before)))
	if err != nil {
		return ask, nil
	}
	if err := os.WriteFile(nrHugePages, []byte(strconv.Itoa(old+need-free)), 0); err != nil {
		return ask, nil
	}
	c.hugePagesAdded = need - free
	// The kernel grants what it finds contiguous memory for, perhaps less than asked.
	if info, err = meminfo(); err != nil || info["HugePages_Free"]-info["HugePages_Rsvd"] < need {
		c.releaseHugePages()
		return ask, nil
	}
	return on + ", reserved for the run", nil
}

// releaseHugePages gives back the huge pages reserveHugePages asked the kernel for: it lowers
// vm.nr_hugepages by as many, leaving what others changed meanwhile.
func (c *Cluster) releaseHugePages() {
	if c.hugePagesAdded == 0 {
		return
	}
	if b, err := os.ReadFile(nrHugePages); err == nil {
		if now, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
			_ = os.WriteFile(nrHugePages, []byte(strconv.Itoa(max(now-c.hugePagesAdded, 0))), 0)
		}
	}
	c.hugePagesAdded = 0
}

// meminfo reads /proc/meminfo's figures (kB, or counts for the HugePages_ lines).
func meminfo() (map[string]int, error) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m := map[string]int{}
	s := bufio.NewScanner(f)
	for s.Scan() {
		k, v, ok := strings.Cut(s.Text(), ":")
		if !ok {
			continue
		}
		fields := strings.Fields(v)
		if len(fields) == 0 {
			continue
		}
		if n, err := strconv.Atoi(fields[0]); err == nil {
			m[k] = n
		}
	}
	return m, s.Err()
}

// appendConf adds lines to the cluster's postgresql.conf (a later line overrides an earlier).
func appendConf(dir, lines string) error {
	f, err := os.OpenFile(filepath.Join(dir, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString(lines)
	return errors.Join(err, f.Close())
}
