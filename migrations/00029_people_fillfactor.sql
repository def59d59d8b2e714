-- +goose Up
-- People leave a fifth of each page free rather than a tenth. A refresh of a tenth of the
-- people changes two or three rows of each page; at 90 a sixth of those updates found no room
-- in their page and added entries to all five indexes, twelve keys of them to the GIN index of
-- lead keys. At ten million people, a 10% refresh on cold pages (the bench's files, the server
-- restarted and the OS cache dropped before each): 33.2 and 39.8 s at 90, 20.9 and 23.4 s at
-- 80, with 84% and 99.9% of updates HOT. The heap is 12% larger (3.3 → 3.7 GB, 41 bytes a
-- person) and keyword-to-lead, which reads heap pages for its count, 3–9% slower at p50.
-- It applies to pages written from now on; a bulk load's copy takes it from the live table.
ALTER TABLE people SET (fillfactor = 80);

-- +goose Down
ALTER TABLE people SET (fillfactor = 90);
