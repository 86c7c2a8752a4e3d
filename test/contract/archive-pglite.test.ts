import { pgliteArchive } from '../helpers/postgres';
import { describeArchiveContract } from './archive.contract';

describeArchiveContract('PGlite (in memory)', pgliteArchive);
