package importer

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/openresolve/openresolve/internal/netguard"
	"github.com/openresolve/openresolve/internal/normalize"
)

// Demo describes a deterministic demo graph: the same Seed and sizes always give the same
// records, and any record can be made on its own (person j does not need persons 0..j-1), so
// graphs of millions of people stream straight into COPY.
//
// Besides the generated records, every demo graph holds a few fixed ones that the README's
// examples use: Acme Logistics (acmelogistics.com) and its VP of Operations, Jane Doe.
type Demo struct {
	Seed      uint64
	Companies int
	People    int
}

// demoBase is the "now" of the demo graph, so observation times do not depend on the clock.
var demoBase = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// Load imports the whole demo graph through im, kind by kind.
func (d Demo) Load(ctx context.Context, im *Importer, report func(kind string, r Result)) error {
	for _, kind := range Kinds {
		res, err := im.Import(ctx, kind, d.Source(kind))
		if err != nil {
			return fmt.Errorf("%s: %w", kind, err)
		}
		if report != nil {
			report(kind, res)
		}
	}
	return nil
}

// Source streams the demo records of one kind.
func (d Demo) Source(kind string) Source {
	var next func(i int) ([]fields, bool)
	switch kind {
	case "companies":
		next = func(i int) ([]fields, bool) {
			if i == 0 {
				return []fields{acme.fields()}, true
			}
			if i > d.Companies {
				return nil, false
			}
			return []fields{d.company(i).fields()}, true
		}
	case "networks":
		next = func(i int) ([]fields, bool) {
			if i >= len(demoISPs) && i-len(demoISPs) > d.Companies {
				return nil, false
			}
			if i < len(demoISPs) {
				return []fields{demoISPs[i].fields()}, true
			}
			c := acme
			if j := i - len(demoISPs); j > 0 {
				c = d.company(j)
			}
			if !c.network.IsValid() {
				return nil, true
			}
			return []fields{{"cidr": c.network.String(), "company_domain": c.domain, "type": "business",
				"asn": strconv.Itoa(int(c.asn)), "as_org": c.name}}, true
		}
	default:
		next = func(i int) ([]fields, bool) {
			if i > d.People {
				return nil, false
			}
			p := jane
			if i > 0 {
				p = d.person(i)
			}
			return p.records(kind), true
		}
	}
	return &demoSource{next: next}
}

type demoSource struct {
	next    func(i int) ([]fields, bool)
	i       int
	pending []fields
	line    int
}

func (s *demoSource) Next() (Record, error) {
	for len(s.pending) == 0 {
		recs, ok := s.next(s.i)
		if !ok {
			return Record{}, io.EOF
		}
		s.i++
		s.pending = recs
	}
	f := s.pending[0]
	s.pending = s.pending[1:]
	s.line++
	return Record{Line: s.line, Fields: f}, nil
}

// rng returns the random stream of one entity.
func (d Demo) rng(kind uint64, i int) *rand.Rand {
	return rand.New(rand.NewPCG(d.Seed^0x9e3779b97f4a7c15*kind, uint64(i)))
}

type demoCompany struct {
	domain, name, linkedin, address, city, region, postal, country, industry, description string
	aliases, keywords                                                                     []string
	employees, founded                                                                    int
	network                                                                               netip.Prefix
	asn                                                                                   int64
}

func (c demoCompany) fields() fields {
	return fields{
		"domain": c.domain, "name": c.name, "aliases": strings.Join(c.aliases, ";"), "linkedin_url": c.linkedin,
		"address": c.address, "city": c.city, "region": c.region, "postal_code": c.postal, "country": c.country,
		"employees": strconv.Itoa(c.employees), "industry": c.industry, "description": c.description,
		"keywords": strings.Join(c.keywords, ";"), "founded": strconv.Itoa(c.founded),
	}
}

var acme = demoCompany{
	domain: "acmelogistics.com", name: "Acme Logistics", aliases: []string{"Acme Logistics, Inc.", "Acme Freight"},
	linkedin: "https://www.linkedin.com/company/acme-logistics", address: "123 Tech Boulevard",
	city: "San Francisco", region: "CA", postal: "94107", country: "US", employees: 400, industry: "Logistics",
	description: "Freight forwarding and warehouse management software for mid-size shippers.",
	keywords:    []string{"logistics", "freight", "supply chain", "warehousing"}, founded: 2009,
	network: netip.MustParsePrefix("64.207.100.0/24"), asn: 64500,
}

// company makes company i (1-based).
func (d Demo) company(i int) demoCompany {
	r := d.rng(1, i)
	ind := demoIndustries[r.IntN(len(demoIndustries))]
	name := demoNameFirst[r.IntN(len(demoNameFirst))]
	if r.IntN(4) > 0 {
		name += " " + demoNameMiddle[r.IntN(len(demoNameMiddle))]
	}
	name += " " + ind.nouns[r.IntN(len(ind.nouns))]
	// Names repeat in a large graph; the index keeps domains unique, as real ones are.
	slug := strings.ToLower(strings.ReplaceAll(name, " ", ""))
	domain := slug + strconv.Itoa(i) + "." + demoTLDs[r.IntN(len(demoTLDs))]
	loc := demoCities[r.IntN(len(demoCities))]
	employees := int(5 * math.Pow(10000, r.Float64())) // 5 to 50,000, log-uniform
	c := demoCompany{
		domain: domain, name: name,
		aliases:  []string{name + " " + demoLegal[loc.country][r.IntN(len(demoLegal[loc.country]))]},
		linkedin: "https://www.linkedin.com/company/" + slug + "-" + strconv.Itoa(i),
		address:  strconv.Itoa(1+r.IntN(2000)) + " " + demoStreets[r.IntN(len(demoStreets))],
		city:     loc.city, region: loc.region, postal: loc.postal, country: loc.country,
		employees: employees, industry: ind.name,
		description: fmt.Sprintf("%s is a %s company in %s %s.", name, strings.ToLower(ind.name),
			loc.city, ind.blurb),
		keywords: ind.keywords, founded: 1950 + r.IntN(74),
	}
	if employees >= 50 {
		c.network = demoBlock(i)
		c.asn = 64496 + int64(i%16)
	}
	return c
}

// demoBlock is the /24 of company i: consecutive public blocks from 45.0.0.0 on, skipping
// anything netguard does not call public.
func demoBlock(i int) netip.Prefix {
	base := uint32(45) << 24
	n := base + uint32(i)<<8
	a := netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), 0})
	if !netguard.IsPublic(a) || a == acme.network.Addr() {
		return netip.Prefix{}
	}
	return netip.PrefixFrom(a, 24)
}

type demoNetwork struct {
	cidr, typ, org string
	asn            int64
}

func (n demoNetwork) fields() fields {
	return fields{"cidr": n.cidr, "type": n.typ, "asn": strconv.Itoa(int(n.asn)), "as_org": n.org}
}

// demoISPs are consumer and hosting networks: they answer with a network and no company.
var demoISPs = []demoNetwork{
	{"73.0.0.0/12", "isp", "Example Broadband", 64511},
	{"98.192.0.0/12", "isp", "Example Cable", 64510},
	{"81.128.0.0/12", "isp", "Example Telecom UK", 64509},
	{"34.64.0.0/12", "hosting", "Example Cloud", 64508},
}

type demoPerson struct {
	id, first, last, title, seniority, company, linkedin, country, keywords string
	emails                                                                  []fields
	phones                                                                  []fields
	observations                                                            []fields
}

func (p demoPerson) records(kind string) []fields {
	switch kind {
	case "people":
		return []fields{{"person_id": p.id, "full_name": p.first + " " + p.last, "first_name": p.first,
			"last_name": p.last, "title": p.title, "seniority": p.seniority, "company_domain": p.company,
			"linkedin_url": p.linkedin, "country": p.country, "keywords": p.keywords}}
	case "emails":
		return p.emails
	case "phones":
		return p.phones
	case "ip_observations":
		return p.observations
	}
	return nil
}

var jane = demoPerson{
	id: "p_jane_doe", first: "Jane", last: "Doe", title: "VP of Operations", seniority: "vp",
	company: "acmelogistics.com", linkedin: "https://www.linkedin.com/in/janedoe", country: "US",
	keywords: "supply chain;operations;logistics",
	emails: []fields{
		{"email": "jane.doe@acmelogistics.com", "person_id": "p_jane_doe", "type": "work", "verified": "true"},
		{"email": "jane.doe@gmail.com", "person_id": "p_jane_doe", "type": "personal", "verified": "false"},
	},
	phones: []fields{
		{"phone": "+14155550123", "person_id": "p_jane_doe", "type": "mobile", "verified": "true"},
		{"phone": "+14155550100", "person_id": "p_jane_doe", "type": "office", "verified": "true"},
	},
	observations: []fields{
		{"ip": "64.207.100.23", "person_id": "p_jane_doe", "seen_at": "2026-10-30T09:12:00Z"},
		{"ip": "73.15.22.9", "person_id": "p_jane_doe", "seen_at": "2026-10-31T20:45:00Z"},
	},
}

// person makes person j (1-based).
func (d Demo) person(j int) demoPerson {
	r := d.rng(2, j)
	first := demoFirst[r.IntN(len(demoFirst))]
	last := demoLast[r.IntN(len(demoLast))]
	ci := 1 + r.IntN(max(d.Companies, 1))
	c := acme
	if d.Companies > 0 {
		c = d.company(ci)
	}
	sen := demoSeniorities[r.IntN(len(demoSeniorities))]
	fn := demoFunctions[r.IntN(len(demoFunctions))]
	id := "p_" + strconv.Itoa(j)
	p := demoPerson{
		id: id, first: first, last: last, seniority: sen.level, title: sen.title(fn.name),
		company: c.domain, country: c.country, keywords: strings.Join(fn.keywords, ";"),
		linkedin: "https://www.linkedin.com/in/" + strings.ToLower(first+"-"+last) + "-" + strconv.Itoa(j),
	}
	local := strings.ToLower(first + "." + last)
	p.emails = append(p.emails, fields{"email": local + strconv.Itoa(j) + "@" + c.domain, "person_id": id, "type": "work",
		"verified": strconv.FormatBool(r.IntN(10) < 7)})
	if r.IntN(10) < 4 {
		p.emails = append(p.emails, fields{"email": local + "." + strconv.Itoa(j) + "@" + demoFreemail[r.IntN(len(demoFreemail))],
			"person_id": id, "type": "personal", "verified": strconv.FormatBool(r.IntN(2) == 0)})
	}
	if r.IntN(10) < 6 {
		if ph := demoPhone(r, c.country); ph != "" {
			p.phones = append(p.phones, fields{"phone": ph, "person_id": id, "type": "mobile",
				"verified": strconv.FormatBool(r.IntN(10) < 6)})
		}
	}
	if r.IntN(10) < 3 {
		if ph := demoPhone(r, c.country); ph != "" {
			p.phones = append(p.phones, fields{"phone": ph, "person_id": id, "type": "direct", "verified": "false"})
		}
	}
	if r.IntN(10) < 3 {
		seen := demoBase.Add(-time.Duration(r.IntN(90*24*60)) * time.Minute)
		var ip netip.Addr
		if c.network.IsValid() && r.IntN(2) == 0 {
			b := c.network.Addr().As4()
			b[3] = byte(1 + r.IntN(254))
			ip = netip.AddrFrom4(b)
		} else {
			isp := netip.MustParsePrefix(demoISPs[r.IntN(2)].cidr).Addr().As4()
			isp[1] += byte(r.IntN(16))
			isp[2], isp[3] = byte(r.IntN(256)), byte(1+r.IntN(254))
			ip = netip.AddrFrom4(isp)
		}
		p.observations = append(p.observations, fields{"ip": ip.String(), "person_id": id,
			"seen_at": seen.Format(time.RFC3339)})
	}
	return p
}

// demoPhone makes a valid number of country in E.164, or "" after a few misses.
func demoPhone(r *rand.Rand, country string) string {
	for range 8 {
		var s string
		switch country {
		case "US", "CA":
			codes := demoAreaCodes[country]
			s = fmt.Sprintf("+1%d%d%04d", codes[r.IntN(len(codes))], 200+r.IntN(800), r.IntN(10000))
		case "GB":
			s = fmt.Sprintf("+447%d%08d", 4+r.IntN(6), r.IntN(100000000))
		case "DE":
			s = fmt.Sprintf("+4915%d%08d", 1+r.IntN(9), r.IntN(100000000))
		case "FR":
			s = fmt.Sprintf("+336%08d", r.IntN(100000000))
		default:
			return ""
		}
		if e, _, err := normalize.Phone(s, ""); err == nil {
			return e
		}
	}
	return ""
}

type demoIndustry struct {
	name, blurb string
	nouns       []string
	keywords    []string
}

var demoIndustries = []demoIndustry{
	{"Logistics", "moving freight for retailers and manufacturers", []string{"Logistics", "Freight", "Shipping", "Transport"}, []string{"logistics", "freight", "supply chain", "shipping"}},
	{"Software", "building tools for engineering teams", []string{"Software", "Labs", "Systems", "Cloud"}, []string{"software", "saas", "developer tools", "cloud"}},
	{"Healthcare", "serving clinics and hospitals", []string{"Health", "Medical", "Care", "Clinics"}, []string{"healthcare", "medical devices", "clinics", "patients"}},
	{"Financial Services", "helping businesses manage money", []string{"Capital", "Finance", "Payments", "Partners"}, []string{"fintech", "payments", "banking", "lending"}},
	{"Manufacturing", "making industrial components", []string{"Manufacturing", "Industries", "Works", "Components"}, []string{"manufacturing", "industrial", "machining", "components"}},
	{"Marketing", "running campaigns for consumer brands", []string{"Media", "Marketing", "Creative", "Digital"}, []string{"marketing", "advertising", "brand", "digital media"}},
	{"Energy", "building renewable power projects", []string{"Energy", "Power", "Solar", "Renewables"}, []string{"energy", "solar", "renewables", "utilities"}},
	{"Retail", "selling home goods online and in stores", []string{"Retail", "Goods", "Market", "Outfitters"}, []string{"retail", "ecommerce", "consumer goods", "stores"}},
	{"Education", "running online courses and bootcamps", []string{"Learning", "Academy", "Education", "Institute"}, []string{"education", "edtech", "training", "courses"}},
	{"Cybersecurity", "protecting companies from attacks", []string{"Security", "Defense", "Shield", "Cyber"}, []string{"cybersecurity", "security", "threat detection", "compliance"}},
}

var demoNameFirst = []string{"Blue", "Harbor", "Summit", "Northwind", "Granite", "Maple", "Silver", "Redwood",
	"Beacon", "Pioneer", "Atlas", "Cedar", "Horizon", "Ironclad", "Juniper", "Keystone", "Lighthouse", "Meridian",
	"Nimbus", "Orchard", "Pinnacle", "Quarry", "Riverbend", "Sterling", "Tidewater", "Union", "Vantage",
	"Willow", "Zenith", "Copper", "Evergreen", "Falcon", "Golden", "Highland", "Lakeside", "Oakridge"}

var demoNameMiddle = []string{"Harbor", "Ridge", "Stone", "River", "Peak", "Field", "Bridge", "Point", "Rock",
	"Lake", "Hill", "Brook", "Crest", "Gate", "Wood", "Bay", "Star", "Light", "Path", "Spring", "Valley",
	"Forge", "Haven", "Mill", "Port", "Shore", "Vale", "Wind", "Wave", "Line", "North", "South", "East", "West",
	"Tree", "Sky"}

var demoTLDs = []string{"com", "com", "com", "io", "co", "net"}

type demoCity struct{ city, region, postal, country string }

var demoCities = []demoCity{
	{"New York", "NY", "10001", "US"}, {"Austin", "TX", "78701", "US"}, {"Chicago", "IL", "60601", "US"},
	{"Seattle", "WA", "98101", "US"}, {"Boston", "MA", "02108", "US"}, {"Denver", "CO", "80202", "US"},
	{"Atlanta", "GA", "30303", "US"}, {"Toronto", "ON", "M5H 2N2", "CA"}, {"London", "England", "EC1A 1BB", "GB"},
	{"Manchester", "England", "M1 1AE", "GB"}, {"Berlin", "Berlin", "10115", "DE"}, {"Munich", "Bavaria", "80331", "DE"},
	{"Paris", "Île-de-France", "75001", "FR"}, {"Lyon", "Auvergne-Rhône-Alpes", "69001", "FR"},
}

var demoLegal = map[string][]string{
	"US": {"Inc.", "LLC", "Corp."}, "CA": {"Inc.", "Ltd."}, "GB": {"Ltd", "PLC", "Limited"},
	"DE": {"GmbH", "AG"}, "FR": {"S.A.", "SAS"},
}

var demoAreaCodes = map[string][]int{
	"US": {212, 646, 512, 312, 206, 617, 303, 404, 415, 650, 310, 305},
	"CA": {416, 647, 604, 514},
}

var demoStreets = []string{"Market Street", "Main Street", "Harbor Way", "Oak Avenue", "Innovation Drive",
	"Commerce Park", "King Street", "Station Road", "Hauptstraße", "Rue de Rivoli", "Tech Boulevard"}

var demoFirst = []string{"James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
	"Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Carlos",
	"Maria", "Wei", "Aisha", "Hiroshi", "Fatima", "Lukas", "Sophie", "Mateo", "Chloe", "Arjun", "Priya",
	"Oliver", "Emma", "Noah", "Amelia", "Liam", "Olivia", "Hannah", "Jonas", "Léa", "Hugo"}

var demoLast = []string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
	"Rodriguez", "Martinez", "Hernandez", "Lopez", "Wilson", "Anderson", "Taylor", "Thomas", "Moore",
	"Martin", "Lee", "Chen", "Patel", "Kim", "Nguyen", "Müller", "Schmidt", "Dubois", "Moreau", "Rossi",
	"O'Brien", "Kowalski", "Novak", "Haddad", "Tanaka", "Silva", "Walker", "Young", "King", "Wright"}

var demoFreemail = []string{"gmail.com", "outlook.com", "yahoo.com", "proton.me"}

type demoSeniority struct{ level, prefix string }

func (s demoSeniority) title(function string) string {
	if s.prefix == "" {
		return function
	}
	return s.prefix + " " + function
}

var demoSeniorities = []demoSeniority{
	{"c_suite", "Chief"}, {"vp", "VP of"}, {"director", "Director of"}, {"manager", "Manager,"},
	{"senior", "Senior"}, {"entry", ""}, {"entry", ""}, {"senior", "Lead"},
}

type demoFunction struct {
	name     string
	keywords []string
}

var demoFunctions = []demoFunction{
	{"Sales", []string{"sales", "business development", "account management"}},
	{"Marketing", []string{"marketing", "demand generation", "brand"}},
	{"Engineering", []string{"engineering", "software", "platform"}},
	{"Operations", []string{"operations", "supply chain", "process improvement"}},
	{"Finance", []string{"finance", "accounting", "fp&a"}},
	{"Human Resources", []string{"hr", "recruiting", "talent"}},
	{"Product", []string{"product management", "roadmap", "user research"}},
	{"Customer Success", []string{"customer success", "support", "retention"}},
	{"Data Science", []string{"data science", "machine learning", "analytics"}},
	{"Security", []string{"security", "compliance", "risk"}},
}

// demoColumns are the columns of each kind's file, in the contract's order.
var demoColumns = map[string][]string{
	"companies": {"domain", "name", "aliases", "linkedin_url", "address", "city", "region", "postal_code", "country",
		"employees", "industry", "description", "keywords", "founded"},
	"people": {"person_id", "full_name", "first_name", "last_name", "title", "seniority", "company_domain",
		"linkedin_url", "country", "keywords"},
	"emails":          {"email", "person_id", "type", "verified"},
	"phones":          {"phone", "person_id", "type", "country", "verified"},
	"networks":        {"cidr", "company_domain", "type", "asn", "as_org"},
	"ip_observations": {"ip", "person_id", "seen_at"},
}

// WriteCSV writes the demo graph as the files `openresolve import` reads, dir/<kind>.csv for
// each kind of the graph, all at once, and returns their paths by kind.
func (d Demo) WriteCSV(dir string) (map[string]string, error) {
	paths := map[string]string{}
	var g errgroup.Group
	for _, kind := range Kinds {
		cols, ok := demoColumns[kind]
		if !ok {
			continue
		}
		path := filepath.Join(dir, kind+".csv")
		g.Go(func() error { return d.writeCSV(path, kind, cols) })
		paths[kind] = path
	}
	return paths, g.Wait()
}

func (d Demo) writeCSV(path, kind string, cols []string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	if err := w.Write(cols); err != nil {
		f.Close()
		return err
	}
	src := d.Source(kind)
	row := make([]string, len(cols))
	for {
		rec, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			f.Close()
			return err
		}
		for i, c := range cols {
			row[i] = rec.Fields[c]
		}
		if err := w.Write(row); err != nil {
			f.Close()
			return err
		}
	}
	w.Flush()
	if err := errors.Join(w.Error(), bw.Flush()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
