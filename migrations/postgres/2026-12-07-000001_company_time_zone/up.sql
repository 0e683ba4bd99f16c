-- The company's time zone for the pages and mails; '' is the language's default (Europe/Paris for French, UTC otherwise).
ALTER TABLE companies ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
