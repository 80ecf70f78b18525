import { randomUUID } from 'node:crypto'
import { copyDatabase } from '../../scripts/lib/database.ts'

// Test files run in parallel. Each gets its own copy of the run's migrated, demo-seeded database
// (tests/setup/global-setup.ts keeps it as the template), so no file sees another's writes.
// global-setup's teardown drops the copies.
const template = process.env.TEST_DATABASE_NAME!
process.env.DATABASE_URL = await copyDatabase(process.env.DATABASE_URL!, template, `${template}_f${randomUUID().slice(0, 8)}`)
