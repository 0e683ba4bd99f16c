DELETE FROM book_counters WHERE name = 'credit_note';
DROP TABLE credit_notes;
