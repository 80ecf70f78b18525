// Builders of test data, one file per capability (accounts, marketplace, beds, allowance). The
// random-data generators they share with the seed live in prisma/generators.ts.
export * from '../../prisma/generators.ts'
