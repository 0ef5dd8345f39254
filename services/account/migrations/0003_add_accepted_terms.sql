-- The CPT licence terms each account accepted (DESIGN.md §5): licensed CPT
-- descriptors are shown only to accounts whose acceptance of the configured
-- terms version is stored here. Each acceptance is also in audit_log
-- ("terms_accepted").
ALTER TABLE accounts
  ADD COLUMN accepted_terms_version text
      CHECK (accepted_terms_version IS NULL
             OR char_length(accepted_terms_version) BETWEEN 1 AND 64),
  ADD COLUMN accepted_terms_at timestamptz,
  ADD CONSTRAINT accounts_terms_pair
      CHECK ((accepted_terms_version IS NULL) = (accepted_terms_at IS NULL));
