// The choices of the institution-facts form, shared by the server module and the page (a value
// imported from a *.server.ts module is empty in the browser bundle).
import { InstitutionFacilityKind, InstitutionOwnership } from '~/generated/prisma/enums.ts'

export const OWNERSHIPS = Object.values(InstitutionOwnership)
export const FACILITY_KINDS = Object.values(InstitutionFacilityKind)
