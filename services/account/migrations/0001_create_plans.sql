-- Plans are data: what each plan allows (DESIGN.md §4). The account service
-- loads this table at start-up; which plan guests get and which one a new
-- account gets are flags (--guest_plan, --registration_plan).
CREATE TABLE plans (
  id                  text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9_]{0,31}$'),
  display_name        text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 100),
  -- Code page views per period; ignored when unmetered_views.
  views_per_period    integer NOT NULL CHECK (views_per_period >= 0),
  -- guest_lifetime: one allowance for the guest identity's life;
  -- calendar_month_utc: a new allowance on the 1st of each month (UTC).
  view_period         text NOT NULL
                      CHECK (view_period IN ('guest_lifetime', 'calendar_month_utc')),
  unmetered_views     boolean NOT NULL DEFAULT false,
  -- Whether the gated code page sections are shown.
  sections_visible    boolean NOT NULL,
  -- Assistant questions per UTC day; ignored when unmetered_questions.
  questions_per_day   integer NOT NULL CHECK (questions_per_day >= 0),
  unmetered_questions boolean NOT NULL DEFAULT false,
  -- CaseConsultant (questions answered by a person).
  consultant          boolean NOT NULL DEFAULT false
);

INSERT INTO plans (id, display_name, views_per_period, view_period, unmetered_views,
                   sections_visible, questions_per_day, unmetered_questions, consultant)
VALUES
  ('guest', 'Guest', 1, 'guest_lifetime',     false, false, 0, false, false),
  ('free',  'Free',  6, 'calendar_month_utc', false, true,  3, false, false),
  ('pro',   'Pro',   0, 'calendar_month_utc', true,  true,  0, true,  true);
