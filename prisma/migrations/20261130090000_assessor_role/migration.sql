-- The assessor role (老年人能力评估员) in a migration of its own: PostgreSQL refuses an enum value
-- used in the transaction that adds it.
ALTER TYPE "Role" ADD VALUE 'assessor';
