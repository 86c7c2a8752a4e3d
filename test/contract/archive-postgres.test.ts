import { beforeAll } from 'vitest';
import { assertPostgresReachable, postgresArchive } from '../helpers/postgres';
import { describeArchiveContract } from './archive.contract';

beforeAll(() => assertPostgresReachable());

describeArchiveContract('PostgreSQL (node-postgres pool, own schema)', postgresArchive);
