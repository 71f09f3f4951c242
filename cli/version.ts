// tbscope's version string, from package.json (the bundler inlines it into dist/cli.js).

import pkg from '../package.json';

export const VERSION: string = pkg.version;
