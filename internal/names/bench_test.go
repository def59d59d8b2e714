package names

import "testing"

func BenchmarkParseCompany(b *testing.B) {
	for b.Loop() {
		ParseCompany("Blue Harbor Logistics Inc.")
	}
}

func BenchmarkCompareCompanies(b *testing.B) {
	q, c := ParseCompany("Blue Harbr Logistics"), ParseCompany("Blue Harbor Logistics Inc.")
	w := func(string) float64 { return 3 }
	for b.Loop() {
		CompareCompanies(q, c, w)
	}
}
