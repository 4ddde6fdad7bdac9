import { HAS_POSTGRES } from '../harness/env.ts';
import { describePermissionTable } from './permissions.ts';

describePermissionTable('postgres', { skip: !HAS_POSTGRES && 'needs PostgreSQL' });
