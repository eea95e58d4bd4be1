import { AccountDetailsCard } from '../components/account-details-card.js';
import { ProfileHeader } from '../components/profile-header.js';
import { SecurityActivitySection } from '../components/security-activity-section.js';
import { usePageTitle } from '../lib/use-page-title.js';
import { useUser } from '../session.js';

export function ProfilePage() {
  usePageTitle('Profile');
  const user = useUser();
  return (
    <div className="page">
      <ProfileHeader user={user} />
      <div className="tabs" role="tablist" aria-label="Profile">
        <button
          type="button"
          role="tab"
          id="profile-tab-information"
          className="tabs__tab"
          aria-selected="true"
          aria-controls="profile-panel-information"
        >
          Information
        </button>
      </div>
      <div
        className="tabs__panel"
        role="tabpanel"
        id="profile-panel-information"
        aria-labelledby="profile-tab-information"
      >
        <SecurityActivitySection />
        <AccountDetailsCard user={user} />
      </div>
    </div>
  );
}
