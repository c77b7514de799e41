import React from 'react';

import { useRouter } from 'next/router';

import { WfoStartProcessPage } from '@orchestrator-ui/orchestrator-ui-components';

/** The start page of one workflow: its initial form, then the new process. */
export default function StartWorkflow() {
  const { workflowName } = useRouter().query;
  if (typeof workflowName !== 'string') return <p>No workflow name in the address.</p>;
  return <WfoStartProcessPage isTask={false} processName={workflowName} />;
}
