import { useEffect } from 'react';

import { useRouter } from 'next/router';

import { PATH_WORKFLOWS } from '@orchestrator-ui/orchestrator-ui-components';

/** No workflow named: back to the list. */
export default function NoWorkflowChosen() {
  const router = useRouter();
  useEffect(() => {
    void router.replace(PATH_WORKFLOWS);
  }, [router]);
  return null;
}
