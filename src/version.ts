// The version, from package.json (only this field is bundled).
import { version } from '../package.json';

export const VERSION: string = version;
