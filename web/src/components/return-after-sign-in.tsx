import { useEffect } from 'react';
import { checkedReturnTo } from '../lib/return-to.js';
import { navigate, useLocation } from '../lib/router.js';
import { LoadingScreen } from './loading-screen.js';
import { Redirect } from './redirect.js';

/**
 * A signed-in browser on the sign-in page: back to the app it came from (`returnTo`, when
 * allowed), else to `home`. Another origin is left with `location.replace`, so Back does not
 * return to the sign-in page; so is the provider's `/oidc/` (served by the server, not this
 * app); any other path of Gatehouse is an in-app navigation.
 */
export function ReturnAfterSignIn({ home }: { home: string }) {
  const returnTo = useLocation().search.get('returnTo');

  useEffect(() => {
    if (returnTo === null) return;
    let active = true;
    checkedReturnTo(returnTo).then(
      (target) => {
        if (!active) return;
        if (target === undefined) navigate(home, { replace: true });
        else if (target.origin === window.location.origin && !target.pathname.startsWith('/oidc/'))
          navigate(target.pathname + target.search + target.hash, { replace: true });
        else window.location.replace(target.href);
      },
      () => {
        if (active) navigate(home, { replace: true });
      },
    );
    return () => {
      active = false;
    };
  }, [returnTo, home]);

  return returnTo === null ? <Redirect to={home} /> : <LoadingScreen />;
}
