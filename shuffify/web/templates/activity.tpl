% rebase('base.tpl')
<h1>Activity</h1>
