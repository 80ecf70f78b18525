-- New enum values in a migration of their own: PostgreSQL refuses a value added in the same
-- transaction that uses it (the index of the next migration does).
ALTER TYPE "Role" ADD VALUE 'township_officer';
ALTER TYPE "SubsidyApplicationStatus" ADD VALUE 'township_approved';
ALTER TYPE "SubsidyApplicationStatus" ADD VALUE 'township_rejected';
