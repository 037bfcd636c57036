// npm run gen:types — writes src/lib/database.types.ts from the migrations applied to a fresh
// embedded database (the same schema PostgreSQL 15 gets; see embedded.test.ts).
import { writeFileSync } from "node:fs";
import { currentTypes, typesPath } from "./types-generator.ts";

writeFileSync(typesPath, await currentTypes());
console.log(`gen:types: wrote ${typesPath}`);
