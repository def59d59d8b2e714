package privacy

// Erase is erase, for the tests of package privacy_test: an erasure's first transaction alone,
// as a forget that died after it leaves it.
var Erase = erase
