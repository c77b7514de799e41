/**
 * The shell around orchestrator-ui's pages, in the order the components expect their providers:
 * configuration, store, session, auth, theme, translations, page template, query parameters.
 * The configuration is read on the server for each request (getInitialProps), so the same build
 * can be pointed at any Baton by environment variables.
 */
import React, { useEffect, useState } from 'react';

import { SessionProvider } from 'next-auth/react';
import { IntlErrorCode, IntlProvider } from 'next-intl';
import { NextAdapter } from 'next-query-params';
import App, { AppContext, AppProps } from 'next/app';
import Head from 'next/head';
import { useRouter } from 'next/router';
import { QueryParamProvider } from 'use-query-params';

import { EuiProvider, EuiThemeColorMode } from '@elastic/eui';
import {
  ColorModes,
  ConfirmationDialogContextWrapper,
  OrchestratorConfig,
  OrchestratorConfigProvider,
  StoreProvider,
  WfoAuth,
  WfoErrorBoundary,
  WfoLogoSpinner,
  WfoPageTemplate,
  WfoToastsList,
  useGetTranslationMessages,
  wfoThemeModifications,
} from '@orchestrator-ui/orchestrator-ui-components';

import { appLogo } from '@/components/app-logo';
import { orchestratorConfigFromEnv } from '@/configuration/orchestrator-config';

// Dates are shown in the browser's time zone (next-intl wants it said, or warns on the server).
const timeZone =
  typeof Intl === 'object' ? Intl.DateTimeFormat().resolvedOptions().timeZone : 'UTC';

type ShellProps = AppProps & { pageProps: { orchestratorConfig?: OrchestratorConfig } };

const Translations = ({ children }: { children: React.ReactNode }) => {
  const { locale = 'en-GB' } = useRouter();
  const messages = useGetTranslationMessages(locale);
  // Form labels the backend does not translate are expected to be missing: not an error.
  const onError = (error: { code: IntlErrorCode }) => {
    if (error.code !== IntlErrorCode.MISSING_MESSAGE && error.code !== IntlErrorCode.INSUFFICIENT_PATH)
      console.error(error);
  };
  return (
    <IntlProvider locale={locale} messages={messages} onError={onError} timeZone={timeZone}>
      {children}
    </IntlProvider>
  );
};

function BatonOrchestratorUi({ Component, pageProps }: ShellProps) {
  // Taken from the first (server-rendered) page, in the browser only: the components touch the
  // DOM while rendering, so the server renders the spinner alone. Client-side navigations
  // bring no configuration and keep this one.
  const [config, setConfig] = useState<OrchestratorConfig | null>(null);
  const fromServer = pageProps.orchestratorConfig;
  useEffect(() => {
    if (fromServer) setConfig((current) => current ?? fromServer);
  }, [fromServer]);
  const [colorMode, setColorMode] = useState<EuiThemeColorMode>(ColorModes.LIGHT);
  if (!config) return <WfoLogoSpinner />;
  return (
    <WfoErrorBoundary>
      <OrchestratorConfigProvider initialOrchestratorConfig={config}>
        <StoreProvider initialOrchestratorConfig={config}>
          <SessionProvider session={null}>
            <WfoAuth>
              <EuiProvider colorMode={colorMode} modify={wfoThemeModifications}>
                <Translations>
                  <Head>
                    <title>orchestrator-ui · Baton</title>
                  </Head>
                  <main className="app">
                    <ConfirmationDialogContextWrapper>
                      <WfoPageTemplate
                        getAppLogo={appLogo}
                        colorMode={colorMode}
                        setColorMode={setColorMode}
                      >
                        <QueryParamProvider
                          adapter={NextAdapter}
                          options={{ removeDefaultsFromUrl: false, enableBatching: true }}
                        >
                          <Component {...pageProps} />
                        </QueryParamProvider>
                      </WfoPageTemplate>
                      <WfoToastsList />
                    </ConfirmationDialogContextWrapper>
                  </main>
                </Translations>
              </EuiProvider>
            </WfoAuth>
          </SessionProvider>
        </StoreProvider>
      </OrchestratorConfigProvider>
    </WfoErrorBoundary>
  );
}

BatonOrchestratorUi.getInitialProps = async (context: AppContext) => {
  const appProps = await App.getInitialProps(context);
  const onServer = typeof window === 'undefined';
  return {
    ...appProps,
    pageProps: {
      ...appProps.pageProps,
      orchestratorConfig: onServer ? orchestratorConfigFromEnv() : undefined,
    },
  };
};

export default BatonOrchestratorUi;
