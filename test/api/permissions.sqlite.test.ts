import { describePermissionTable } from './permissions.ts';

describePermissionTable('sqlite');
