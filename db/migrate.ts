// `npm run db:migrate`: applies the committed migrations to DATABASE_URL (default file:data/herald.db).
import { openMigratedDatabase, DEFAULT_DATABASE_URL } from './client.ts';

const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
const database = await openMigratedDatabase(url, process.env.DATABASE_AUTH_TOKEN);
database.close();
console.log(`migrations applied to ${url.replace(/\?.*$/, '')}`);
