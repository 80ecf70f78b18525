-- New operating subsidy rates (a version from a future month) are proposed by one city officer and
-- take effect only when another approves them (two-person control, as for subsidy policies). Kept
-- apart from pending_change so the rate table stays append-only and no shared CHECK list is edited.
CREATE TABLE operating_subsidy_rate_proposal (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  "effectiveMonth" date NOT NULL,
  rates            jsonb NOT NULL,
  status           text NOT NULL DEFAULT 'pending',
  "proposedById"   uuid NOT NULL REFERENCES app_user(id),
  "proposedAt"     timestamptz(3) NOT NULL DEFAULT now(),
  "decidedById"    uuid REFERENCES app_user(id),
  "decidedAt"      timestamptz(3),
  "decisionNote"   text,
  CONSTRAINT operating_subsidy_rate_proposal_status_valid CHECK (status IN ('pending', 'approved', 'rejected')),
  CONSTRAINT operating_subsidy_rate_proposal_decider_not_proposer CHECK ("decidedById" IS NULL OR "decidedById" <> "proposedById")
);
-- One open proposal per month at a time.
CREATE UNIQUE INDEX operating_subsidy_rate_proposal_one_pending ON operating_subsidy_rate_proposal ("effectiveMonth") WHERE status = 'pending';
