ALTER TABLE companies DROP COLUMN count_probable_sharing;
