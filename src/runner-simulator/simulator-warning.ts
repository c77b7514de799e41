/** Said wherever the bundled simulator stands in for a runner: at start-up and in /health. */
export const SIMULATOR_WARNING =
  'The bundled LSO runner SIMULATOR stands in for ANSIBLE_PROXY_URL: it reports success without running any playbook. Not for production.';
