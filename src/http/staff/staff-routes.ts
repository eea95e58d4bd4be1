import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { MAX_APP_URL_LENGTH } from '../../domain/app-url.js';
import { ApiError } from '../../domain/errors.js';
import { isLocked } from '../../domain/account-lock.js';
import { SORT_ORDERS, STAFF_FILTERS, STAFF_SORTS } from '../../domain/staff-filter.js';
import { adminResetPassword } from '../../services/passwords/admin-reset-password.js';
import type { ServiceDeps } from '../../services/context.js';
import {
  createStaffUser,
  staffFhirUser,
  updateStaffUser,
  type StaffProblem,
} from '../../services/staff/staff.js';
import { listStaff } from '../../services/staff/staff-list.js';
import type { Practice } from '../../store/practice-store.js';
import type { User } from '../../store/user-store.js';
import { sessionOf } from '../access.js';
import { requestOrigin } from '../request-origin.js';
import {
  commonErrors,
  ErrorResponse,
  IdParams,
  NO_CONTROL_CHARACTERS,
  PublicUser,
  RoleSchema,
  toPublicUser,
} from '../schemas.js';
import { guardStaffScope, staffMember } from './staff-scope.js';

/**
 * Staff > list, New User, Staff > Name (edit, roles, deactivate/reactivate) and Reset Password,
 * for Practice Administrators of the same practice only (others and other practices' ids: 404).
 */
export const StaffUser = Type.Object({
  ...PublicUser.properties,
  createdAt: Type.String(),
  lastLoginAt: Type.Union([Type.String(), Type.Null()]),
  /** True while the user holds a temporary password not yet replaced. */
  passwordMustChange: Type.Boolean(),
  /** When that temporary password stops working (it may have already); null without one. */
  temporaryPasswordExpiresAt: Type.Union([Type.String(), Type.Null()]),
  /** Until when the account is locked, while it is locked; null otherwise. */
  lockedUntil: Type.Union([Type.String(), Type.Null()]),
});

function toStaffUser(user: User, practice: Practice, now: number) {
  return {
    ...toPublicUser(user, practice),
    createdAt: new Date(user.createdAt).toISOString(),
    lastLoginAt: user.lastLogin ? new Date(user.lastLogin.at).toISOString() : null,
    passwordMustChange: user.passwordMustChange,
    temporaryPasswordExpiresAt:
      user.passwordMustChange && user.temporaryPasswordExpiresAt !== null
        ? new Date(user.temporaryPasswordExpiresAt).toISOString()
        : null,
    lockedUntil:
      isLocked(user, now) && user.lockedUntil !== null ? new Date(user.lockedUntil).toISOString() : null,
  };
}

/** One staff member (GET and PATCH /api/staff/:id): with the fhirUser URL apps receive, null when unset. */
export const StaffMember = Type.Object({
  ...StaffUser.properties,
  fhirUser: Type.Union([Type.String(), Type.Null()]),
});

/** A row of the staff list: a staff member and whether they use two-factor authentication. */
export const StaffListItem = Type.Object({ ...StaffUser.properties, twoFactorEnabled: Type.Boolean() });

const StaffListQuery = Type.Object(
  {
    /** Part of a name, user name or email. */
    q: Type.Optional(Type.String({ maxLength: 100, pattern: NO_CONTROL_CHARACTERS })),
    filter: Type.Optional(Type.Enum(STAFF_FILTERS)),
    sort: Type.Optional(Type.Enum(STAFF_SORTS)),
    order: Type.Optional(Type.Enum(SORT_ORDERS)),
  },
  { additionalProperties: false },
);

const text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: NO_CONTROL_CHARACTERS });
const Roles = Type.Array(RoleSchema, { minItems: 1, maxItems: 6, uniqueItems: true });
const staffErrors = { 404: ErrorResponse, 409: ErrorResponse, ...commonErrors };

/** New User's form (POST /api/staff). */
export const NewStaffBody = Type.Object(
  {
    username: text(64),
    firstName: text(100),
    lastName: text(100),
    email: text(254),
    roles: Roles,
    supervisor: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** A temporary password, shown once (New User, Reset Password). */
export const TemporaryPassword = Type.Object({ temporaryPassword: Type.String(), expiresAt: Type.String() });

function staffProblemError(problem: StaffProblem): ApiError {
  if (problem.reason === 'username_taken')
    return new ApiError(
      'conflict',
      'A user with this user name already exists in your practice. Choose another.',
    );
  if (problem.reason === 'username_look_alike')
    return new ApiError(
      'conflict',
      `This user name looks like “${problem.existing}”, who is already in your practice. Choose another.`,
    );
  if (problem.reason === 'own_account') return new ApiError('conflict', problem.message);
  return new ApiError('invalid_request', problem.message);
}

export const staffRoutes: FastifyPluginAsyncTypebox<{ deps: ServiceDeps }> = async (app, { deps }) => {
  guardStaffScope(app);

  app.get(
    '/api/staff',
    {
      schema: {
        summary: 'The practice’s staff members: searched (q), filtered and sorted; by name unless asked',
        querystring: StaffListQuery,
        response: {
          200: Type.Object({
            items: Type.Array(StaffListItem),
            /** The practice's time zone, in which people read the times. */
            timeZone: Type.String(),
          }),
          ...staffErrors,
        },
      },
    },
    async (request) => {
      const { practice } = sessionOf(request);
      const { q, filter, sort, order } = request.query;
      const entries = await listStaff(deps, { practice, search: q, filter, sort, order });
      const now = deps.clock.now();
      return {
        items: entries.map((entry) => ({
          ...toStaffUser(entry.user, practice, now),
          twoFactorEnabled: entry.twoFactorEnabled,
        })),
        timeZone: practice.settings.timeZone,
      };
    },
  );

  app.post(
    '/api/staff',
    {
      schema: {
        summary: 'New User, with a temporary password shown once',
        body: NewStaffBody,
        response: {
          201: Type.Object({ user: StaffUser, ...TemporaryPassword.properties }),
          ...staffErrors,
        },
      },
    },
    async (request, reply) => {
      const { user: actor, practice } = sessionOf(request);
      const result = await createStaffUser(deps, {
        ...request.body,
        actor,
        practice,
        origin: requestOrigin(request),
      });
      if (!result.ok) throw staffProblemError(result.problem);
      return reply.status(201).send({
        user: toStaffUser(result.user, practice, deps.clock.now()),
        temporaryPassword: result.temporaryPassword,
        expiresAt: new Date(result.expiresAt).toISOString(),
      });
    },
  );

  app.get(
    '/api/staff/:id',
    {
      schema: {
        summary: 'One staff member',
        params: IdParams,
        response: { 200: StaffMember, ...staffErrors },
      },
    },
    async (request) => {
      const { practice } = sessionOf(request);
      const user = await staffMember(deps, request);
      return {
        ...toStaffUser(user, practice, deps.clock.now()),
        fhirUser: await staffFhirUser(deps, practice, user),
      };
    },
  );

  app.patch(
    '/api/staff/:id',
    {
      schema: {
        summary: 'Edit a staff member: names, email, roles, supervisor flag, active or deactivated, fhirUser',
        params: IdParams,
        body: Type.Object(
          {
            firstName: Type.Optional(text(100)),
            lastName: Type.Optional(text(100)),
            email: Type.Optional(text(254)),
            roles: Type.Optional(Roles),
            supervisor: Type.Optional(Type.Boolean()),
            status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('deactivated')])),
            /** The fhirUser claim apps receive: an absolute https URL (http only on loopback); null or "" clears it. */
            fhirUser: Type.Optional(
              Type.Union([
                Type.String({ maxLength: MAX_APP_URL_LENGTH, pattern: NO_CONTROL_CHARACTERS }),
                Type.Null(),
              ]),
            ),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: StaffMember, ...staffErrors },
      },
    },
    async (request) => {
      const { user: actor, practice } = sessionOf(request);
      const target = await staffMember(deps, request);
      const result = await updateStaffUser(deps, {
        ...request.body,
        actor,
        practice,
        target,
        origin: requestOrigin(request),
      });
      if (!result.ok) throw staffProblemError(result.problem);
      return { ...toStaffUser(result.user, practice, deps.clock.now()), fhirUser: result.fhirUser };
    },
  );

  app.post(
    '/api/staff/:id/reset-password',
    {
      schema: {
        summary: 'Reset Password: a temporary password shown once; every session of the user ends',
        params: IdParams,
        response: {
          200: TemporaryPassword,
          ...staffErrors,
        },
      },
    },
    async (request) => {
      const { user: actor, practice } = sessionOf(request);
      const target = await staffMember(deps, request);
      const result = await adminResetPassword(deps, {
        actor,
        target,
        practice,
        origin: requestOrigin(request),
      });
      return {
        temporaryPassword: result.temporaryPassword,
        expiresAt: new Date(result.expiresAt).toISOString(),
      };
    },
  );
};
